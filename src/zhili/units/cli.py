"""``zhili units``: the handling-unit directory."""

from __future__ import annotations

import typer
from rich.table import Table

from zhili.cli_support import console, friendly_errors, open_database
from zhili.units import repository, service
from zhili.units.models import UNIT_KIND_LABELS, UnitKind

app = typer.Typer(help="承办单位目录：加载、查询 (units)", no_args_is_help=True)


@app.command("load-defaults")
@friendly_errors
def load_defaults(city: str = typer.Option("11", help="城市行政区划编码（北京为 11）。")) -> None:
    """为已导入的城市生成默认单位目录（已存在的单位保持不变）。"""
    database = open_database()
    with database.session() as session:
        added = service.load_default_units(session, city)
    console.print(f"新增单位 {added:,} 个。")


@app.command("list")
@friendly_errors
def list_units(
    kind: UnitKind | None = typer.Option(
        None, help="单位类型：" + "，".join(f"{k.value}={v}" for k, v in UNIT_KIND_LABELS.items())
    ),
    division: str | None = typer.Option(None, help="行政区划编码前缀，例如 110105（朝阳区）。"),
    q: str | None = typer.Option(None, help="按名称搜索。"),
    limit: int = typer.Option(50, min=1, max=5000, help="最多显示条数。"),
) -> None:
    """列出单位。"""
    database = open_database()
    with database.session(write=False) as session:
        rows, total = repository.list_units(session, kind=kind, division_prefix=division, q=q, limit=limit)
        table = Table("编码", "名称", "类型", "上级", "所在区划")
        for unit, parent_code in rows:
            table.add_row(
                unit.code, unit.name, UNIT_KIND_LABELS[unit.kind], parent_code or "", unit.division_code
            )
    console.print(table)
    console.print(f"共 {total:,} 个，显示 {len(rows)} 个。")
