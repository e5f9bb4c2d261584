"""`zhili cases sweep`: run the deadline sweep once, by hand or from cron."""

from __future__ import annotations

import typer

from zhili.cases.context import CaseContext
from zhili.cases.sweep.service import SweepReport, sweep
from zhili.cli_support import console, friendly_errors, open_database
from zhili.errors import ValidationFailed
from zhili.settings import get_settings


@friendly_errors
def sweep_command(
    dry_run: bool = typer.Option(False, "--dry-run", help="只统计将发生的变更，不写入数据库。"),
    limit: int | None = typer.Option(
        None, "--limit", help="本次最多处理的诉求件数（积压很多时分批处理）；默认全部。"
    ),
) -> None:
    """巡检办理时限：标记临期预警与超期诉求，并为超期诉求和未按时报到的协办单位开启督办。"""
    if limit is not None and limit < 1:
        raise ValidationFailed(f"处理件数上限须为正整数，收到 {limit}", field="--limit")
    settings = get_settings()
    database = open_database(settings)
    ctx = CaseContext.for_settings(settings)
    try:
        session = database.open_session(write=True)
        try:
            report = sweep(session, ctx, limit=limit)
            if dry_run:
                session.rollback()
            else:
                session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
    finally:
        database.dispose()
    _print(report, ctx, dry_run)


def _print(report: SweepReport, ctx: CaseContext, dry_run: bool) -> None:
    console.print(f"巡检时间：{report.at.astimezone(ctx.tz):%Y-%m-%d %H:%M}（{ctx.settings.timezone}）")
    console.print(
        f"候选诉求 {report.examined} 件：新增预警 {report.warned} 件，新增超期 {report.overdue} 件，"
        f"解除标记 {report.cleared} 件；新开督办 {report.supervisions} 条"
        f"（其中协办单位报到超时 {report.late_checkins} 条）。"
    )
    if report.skipped:
        console.print(f"另有 {report.skipped} 件诉求正被他人办理，留待下次巡检。")
    if report.deferred:
        console.print(f"超出本次上限的 {report.deferred} 件诉求留待下次巡检。")
    if dry_run:
        console.print("[yellow]试运行：以上变更均未写入。[/yellow]")
    elif not report.changed:
        console.print("没有需要标记的诉求。")
    else:
        console.print("[green]巡检完成。[/green]")
