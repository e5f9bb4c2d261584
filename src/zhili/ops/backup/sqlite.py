"""SQLite through its online backup API: a consistent copy while the server keeps running."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from zhili import migrate
from zhili.db import Database
from zhili.errors import ValidationFailed


def path_of(database: Database) -> Path:
    name = make_url(database.url).database
    if not name or name == ":memory:":
        raise ValidationFailed("内存中的 SQLite 数据库无法备份或恢复")
    return Path(name)


def copy(source: Path, target: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
    )
    return [str(r[0]) for r in rows]


def counts_and_head(path: Path) -> tuple[dict[str, int], list[str]]:
    with closing(sqlite3.connect(path)) as connection:
        counts = {
            t: int(connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
            for t in _tables(connection)
        }
    database = Database(f"sqlite:///{path}")
    try:
        with database.engine.connect() as connection:
            head = sorted(migrate.current_revisions(connection))
    finally:
        database.dispose()
    return counts, head


def is_empty(path: Path) -> bool:
    if not path.exists():
        return True
    with closing(sqlite3.connect(path)) as connection:
        return not _tables(connection)


def dump(database: Database, target: Path) -> None:
    source = path_of(database)
    if not source.exists():
        raise ValidationFailed(f"数据库文件不存在：{source}")
    copy(source, target)


def restore(database: Database, copy_file: Path) -> None:
    """Replace the target file's content with the backup's (through the backup API, so that a
    server holding the file open sees a whole database, never a half-written file)."""
    target = path_of(database)
    target.parent.mkdir(parents=True, exist_ok=True)
    copy(copy_file, target)
