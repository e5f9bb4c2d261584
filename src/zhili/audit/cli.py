"""``zhili audit``: verify the keyed hash chain against its anchors, write a checkpoint, read entries."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from zhili.audit import anchors, service
from zhili.audit.chain import chain_key
from zhili.audit.models import AuditEntry
from zhili.cli_support import console, err_console, fail, friendly_errors, open_database
from zhili.settings import get_settings

app = typer.Typer(help="审计日志：校验哈希链、查看记录 (audit)", no_args_is_help=True)


@app.command()
@friendly_errors
def verify(
    anchor_file: Path | None = typer.Option(
        None, "--anchors", help="锚点文件（默认 ZHILI_AUDIT_ANCHOR_FILE，即 数据目录/audit-anchors.jsonl）。"
    ),
    checkpoint: list[str] = typer.Option(
        [], "--checkpoint", help="另行保存的检查点（zhili audit checkpoint 打印的一行 JSON），可多次给出。"
    ),
) -> None:
    """用密钥校验审计日志哈希链，并核对锚点与检查点；发现篡改、删除或改写时报告第一条异常记录并以非零状态退出。"""
    settings = get_settings()
    path = anchor_file or settings.resolved_audit_anchor_file
    try:
        pinned = anchors.read(path)
        pinned += [anchors.parse(line, f"检查点 {n}") for n, line in enumerate(checkpoint, start=1)]
    except anchors.AnchorError as exc:
        raise fail(f"审计日志校验失败：{exc}") from None
    database = open_database(settings)
    with database.session(write=False) as session:
        result = service.verify(session, pinned)
    if not result.ok:
        err_console.print(
            f"[red]审计日志校验失败[/red]：{result.reason}（第一条异常记录：#{result.broken_seq}）"
        )
        raise typer.Exit(1)
    console.print(f"[green]审计日志完整[/green]：共校验 {result.checked:,} 条记录。")
    if result.anchors:
        console.print(f"核对锚点 {result.anchors:,} 个，最新锚定至第 {result.anchored_seq:,} 条（{path}）。")
    else:
        console.print(
            f"[yellow]未核对任何锚点[/yellow]（{path} 不存在或为空）：持有密钥者改写历史无法被发现，"
            "请运行 zhili audit checkpoint 并另行保存其输出。"
        )


@app.command()
@friendly_errors
def checkpoint() -> None:
    """为当前链头生成签名检查点：追加到锚点文件并打印，请把打印的一行另行保存（另一台机器、工单、纸面）。"""
    settings = get_settings()
    database = open_database(settings)
    with database.session(write=False) as session:
        anchor = anchors.of_head(session, chain_key(settings))
    if anchor is None:
        raise fail("审计日志为空，无需检查点。")
    anchors.append(settings.resolved_audit_anchor_file, anchor)
    err_console.print(f"已追加到 {settings.resolved_audit_anchor_file}；检查点（第 {anchor.seq:,} 条）：")
    print(anchor.line())


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
