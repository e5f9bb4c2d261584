"""``zhili petitions``: the petition deadline sweep, by hand or from cron."""

from __future__ import annotations

import typer

from zhili.cli_support import console, friendly_errors, open_database
from zhili.kernel.clock import utcnow
from zhili.petitions.sweep import sweep_petitions
from zhili.settings import get_settings

app = typer.Typer(help="信访：办理时限巡检 (petitions)", no_args_is_help=True)


@app.command("sweep")
@friendly_errors
def sweep_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="只统计将发生的变更，不写入数据库。"),
) -> None:
    """巡检信访事项的办理时限：标记临期预警与超期事项。"""
    settings = get_settings()
    database = open_database(settings)
    try:
        with database.session() as session:
            report = sweep_petitions(session, utcnow(), settings.warning_fraction)
            if dry_run:
                session.rollback()
    finally:
        database.dispose()
    console.print(
        f"候选事项 {report.examined} 件：新增预警 {report.warned} 件，新增超期 {report.overdue} 件，"
        f"解除标记 {report.cleared} 件。" + ("（试运行，未写入）" if dry_run else "")
    )


@app.command("figures")
@friendly_errors
def figures_command(
    year: int = typer.Option(..., "--year", min=2000, max=2100, help="年份。"),
) -> None:
    """全市信访统计（按事项计）：按期受理率、按期办结率、重复信访率、积案化解数、群众满意率。"""
    from dataclasses import replace

    from zhili.auth.service import system_actor
    from zhili.kernel.clock import local_zone
    from zhili.petitions.figures import report

    settings = get_settings()
    database = open_database(settings)
    reader = replace(system_actor("zhili petitions figures"), user_id=0)  # the whole city, read-only
    try:
        with database.session(write=False) as session:
            out = report(session, reader, year, local_zone(settings.timezone), settings.petition_backlog_days)
    finally:
        database.dispose()

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    for row in [*out.months, out.total]:
        console.print(
            f"{row.month}：登记 {row.registered} 个事项；按期受理率 {pct(row.on_time_acceptance_rate)}"
            f"（{row.decided_on_time}/{row.decided}），按期办结率 {pct(row.on_time_completion_rate)}"
            f"（{row.replied_on_time}/{row.replied}），重复信访率 {pct(row.repeat_rate)}"
            f"（{row.repeated}/{row.registered}），积案化解数 {row.backlog_resolved}，"
            f"群众满意率 {pct(row.satisfaction_rate)}（{row.satisfied}/{row.rated}）"
        )
    console.print(out.plan_note)
