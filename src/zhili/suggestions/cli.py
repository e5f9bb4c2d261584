"""``zhili suggestions``: copy the suggestions, scrubbed, into the analytical store."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import typer

from zhili.cli_support import console, friendly_errors, open_database
from zhili.settings import get_settings

app = typer.Typer(help="人民建议征集 (suggestions)", no_args_is_help=True)


@app.command("store")
@friendly_errors
def store_command() -> None:
    """把人民建议（去除个人信息）整表写入分析库。"""
    from zhili.analytics.service import store_for
    from zhili.cases.context import CaseContext
    from zhili.suggestions.store import write_store

    settings = get_settings()
    database = open_database(settings)
    try:
        with database.session(write=False) as session:
            ctx = CaseContext.for_settings(settings)
            written = write_store(session, store_for(settings), ctx.cipher, ZoneInfo(settings.timezone))
    finally:
        database.dispose()
    console.print(f"已写入分析库人民建议 {written:,} 条（不含姓名、电话和编号）。")
