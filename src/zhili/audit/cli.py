"""``zhili audit``: verify the hash chain and read recent entries."""

from __future__ import annotations

import typer
from rich.table import Table
from sqlalchemy import select

from zhili.audit import service
from zhili.audit.models import AuditEntry
from zhili.cli_support import console, err_console, friendly_errors, open_database

app = typer.Typer(help="审计日志：校验哈希链、查看记录 (audit)", no_args_is_help=True)


@app.command()
@friendly_errors
def verify() -> None:
    """校验审计日志哈希链；发现篡改或删除时报告第一条异常记录并以非零状态退出。"""
    database = open_database()
    with database.session(write=False) as session:
        result = service.verify(session)
    if result.ok:
        console.print(f"[green]审计日志完整[/green]：共校验 {result.checked:,} 条记录。")
        return
    err_console.print(f"[red]审计日志校验失败[/red]：{result.reason}（第一条异常记录：#{result.broken_seq}）")
    raise typer.Exit(1)


@app.command()
@friendly_errors
def tail(limit: int = typer.Option(20, min=1, max=1000, help="显示最近多少条。")) -> None:
    """显示最近的审计记录。"""
    database = open_database()
    with database.session(write=False) as session:
        rows = (
            session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)).scalars().all()
        )
        table = Table("#", "时间", "操作人", "动作", "对象", "详情")
        for entry in reversed(rows):
            target = f"{entry.target_type or ''}:{entry.target_id or ''}".strip(":")
            table.add_row(
                str(entry.seq), str(entry.at)[:19], entry.actor, entry.action, target, entry.detail[:60]
            )
    console.print(table)
