"""What every CLI command needs: settings, the database, and a Chinese error exit."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy.exc import DBAPIError

from zhili.db import Database
from zhili.errors import ZhiliError
from zhili.settings import Settings, get_settings

# Output piped into a file, a log or another tool is not wrapped at 80 columns (rich's default
# without a terminal): a league table's unit names would be split across lines there.
PIPED_WIDTH = 200


def _width(stream: object) -> int | None:
    is_terminal = getattr(stream, "isatty", lambda: False)()
    return None if is_terminal else PIPED_WIDTH


console = Console(width=_width(sys.stdout))
err_console = Console(stderr=True, width=_width(sys.stderr))

P = ParamSpec("P")
R = TypeVar("R")


def open_database(settings: Settings | None = None) -> Database:
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Database.for_settings(settings)


def fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[red]错误：[/red]{message}")
    return typer.Exit(code)


NOT_MIGRATED = "数据库尚未初始化，或版本落后于本程序：请先运行 `zhili init`（它会迁移到最新版本）"
# A table or column the code expects is not there: SQLite's messages, PostgreSQL's SQLSTATEs.
MISSING_SQLITE = ("no such table", "no such column", "has no column named")
MISSING_POSTGRES = ("42P01", "42703")


def _schema_missing(exc: DBAPIError) -> bool:
    if getattr(exc.orig, "sqlstate", None) in MISSING_POSTGRES:
        return True
    return any(text in str(exc.orig) for text in MISSING_SQLITE)


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ZhiliError into a clear message and a non-zero exit, not a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            details = "；".join(str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors())
            raise fail(f"配置无效：{details}") from None
        except ZhiliError as exc:
            where = f"（{exc.field}）" if exc.field else ""
            raise fail(f"{exc.message}{where}") from None
        except DBAPIError as exc:
            if not _schema_missing(exc):
                raise
            raise fail(NOT_MIGRATED) from None
        except KeyboardInterrupt:
            err_console.print("已中断，未完成的操作已回滚。")
            sys.exit(130)

    return wrapper
