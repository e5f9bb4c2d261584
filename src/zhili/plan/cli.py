"""``zhili plan``: plan indicators — load, recompute, list, and the evaluation report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from zhili.cli_support import console, fail, friendly_errors, open_database
from zhili.kernel.clock import local_today
from zhili.plan import report, service
from zhili.plan.views import progress_view
from zhili.settings import get_settings

app = typer.Typer(help="规划指标监测：计算、查看与评估报告 (plan)", no_args_is_help=True)


@app.command("load")
@friendly_errors
def load() -> None:
    """载入（或刷新）规划指标目录，已有数值保持不变。"""
    with open_database().session() as session:
        added = service.ensure_catalogue(session)
    console.print(f"规划指标目录已更新，新增 {added} 项。")


@app.command("recompute")
@friendly_errors
def recompute(
    as_of: str | None = typer.Option(None, help="记为哪一天的值（YYYY-MM-DD），缺省为今天。"),
) -> None:
    """按当前业务数据重新计算可计算的指标。"""
    day = _day(as_of)
    with open_database().session() as session:
        values = service.recompute(session, actor="cli", as_of=day)
    for code, value in values.items():
        console.print(f"{code}: {'数据不足' if value is None else f'{value}%'}")


@app.command("list")
@friendly_errors
def list_indicators(
    as_of: str | None = typer.Option(None, help="统计日期（YYYY-MM-DD），缺省为今天。"),
) -> None:
    """列出全部指标的当前值、应达进度与状态。"""
    with open_database().session(write=False) as session:
        rows = [progress_view(row) for row in service.progress(session, _day(as_of))]
    table = Table("指标", "目标", "当前值", "应达", "完成度", "状态")
    for r in rows:
        table.add_row(
            r["name"],
            f"{r['comparison']}{r['target']:g}{r['unit']}",
            "—" if r["value"] is None else f"{r['value']:g}",
            f"{r['expected']:g}",
            "—" if r["completion"] is None else f"{r['completion']}%",
            r["status"],
        )
    console.print(table)


@app.command("report")
@friendly_errors
def make_report(
    year: int = typer.Option(2025, min=2021, max=2025, help="评估年度（2025 为规划期末）。"),
    out: Path | None = typer.Option(None, help="输出目录，缺省为 <数据目录>/reports。"),
) -> None:
    """生成年度/中期/期末评估报告（HTML 与 PDF）。"""
    folder = out or get_settings().data_dir / "reports"
    with open_database().session() as session:
        html_path, pdf_path = report.write(session, year, local_today(get_settings().timezone), folder)
    console.print(f"HTML：{html_path}\nPDF：{pdf_path}")


def _day(text: str | None) -> date:
    if not text:
        return local_today(get_settings().timezone)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(f"日期格式应为 YYYY-MM-DD：{text}") from None
