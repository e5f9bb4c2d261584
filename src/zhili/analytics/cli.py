"""``zhili analytics``: sync the store, backtest the early warning, export open data."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from zhili.cli_support import console, fail, friendly_errors, open_database
from zhili.settings import get_settings

app = typer.Typer(help="民生诉求数据库：分析库同步、预警回测、开放数据导出。", no_args_is_help=True)


@app.command("sync")
@friendly_errors
def sync_command(
    settle: float = typer.Option(10.0, "--settle", min=0, help="只同步至少这么多秒前变更的诉求。"),
) -> None:
    """增量同步业务库到分析库（Parquet，按月分区）；可重复运行，不会产生重复行。"""
    from zhili.analytics.service import store_for
    from zhili.analytics.sync import sync

    settings = get_settings()
    database = open_database(settings)
    try:
        report = sync(database, settings, store_for(settings), settle_seconds=settle)
    finally:
        database.dispose()
    console.print(
        f"同步诉求 {report.cases:,} 条、事件 {report.events:,} 条（{report.batches} 批，"
        f"改写文件 {report.files_rewritten} 个）；分析库：{store_for(settings).root}"
    )


@app.command("backtest")
@friendly_errors
def backtest_command(
    bursts: Path | None = typer.Option(
        None, "--bursts", help="植入突发旁路文件（默认：分析库内 _bursts.json）。"
    ),
    teddy: Path | None = typer.Option(
        None, "--teddy", help="teddy2020c/hotspot_messages.csv 路径（真实时间戳回测）。"
    ),
) -> None:
    """回测未诉先办预警（精确率、召回率、提前量）与周预测误差。"""
    from zhili.analytics import backtest
    from zhili.analytics.service import engine, store_for

    settings = get_settings()
    sidecar = bursts or store_for(settings).root / "_bursts.json"
    results = {}
    if sidecar.exists():
        results["synthetic"] = backtest.synthetic(engine(settings), sidecar)
    if teddy is not None:
        if not teddy.exists():
            raise fail(f"文件不存在：{teddy}")
        results["teddy2020c"] = backtest.teddy(teddy)
    if not results:
        raise fail("没有可回测的数据：先运行 zhili demo generate --store，或用 --teddy 指定真实数据")
    console.print_json(json.dumps(results, ensure_ascii=False, default=str))


@app.command("export-open")
@friendly_errors
def export_open_command(
    month: str = typer.Option(..., "--month", help="月份，例如 2025-10。"),
    fmt: str = typer.Option("csv", "--format", help="csv 或 parquet。"),
    out: Path | None = typer.Option(None, "--out", help="输出文件（默认：数据目录/open/）。"),
) -> None:
    """导出某月去标识化开放数据（无个人信息，位置仅到社区或 H3 网格）。"""
    from zhili.analytics.export import export_open
    from zhili.analytics.labels import Labels
    from zhili.analytics.service import engine

    if fmt not in ("csv", "parquet"):
        raise fail("--format 只能是 csv 或 parquet")
    settings = get_settings()
    target = out or settings.data_dir / "open" / f"zhili-open-{month}.{fmt}"
    with open_database(settings).session(write=False) as session:
        rows = export_open(engine(settings), Labels(session), month, fmt, target)  # type: ignore[arg-type]
    console.print(f"已导出 {rows:,} 行：{target}")
