"""``zhili grid``: generate the grid cells from the district outlines."""

from __future__ import annotations

import typer

from zhili.cli_support import console, friendly_errors, open_database
from zhili.grid.cells.generate import generate
from zhili.settings import get_settings

app = typer.Typer(help="网格化管理：生成网格 (grid)", no_args_is_help=True)


@app.command("generate")
@friendly_errors
def generate_cells(
    district: str | None = typer.Option(None, help="只生成该区（如 110105），缺省为全部有边界的区。"),
    resolution: int | None = typer.Option(
        None, min=5, max=10, help="H3 分辨率，缺省为 ZHILI_GRID_H3_RESOLUTION。"
    ),
) -> None:
    """按区边界生成 H3 网格并分配到社区（人工调整过的网格保持不变）。"""
    settings = get_settings()
    database = open_database(settings)
    with database.session() as session:
        result = generate(session, resolution or settings.grid_h3_resolution, district)
    console.print(
        f"已处理 {result.districts} 个区，新增网格 {result.cells:,} 个，"
        f"保留人工划分 {result.kept_manual:,} 个。"
    )
