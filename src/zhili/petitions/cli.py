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
