"""PostgreSQL through pg_dump and pg_restore (custom format), for one schema of one database.

The dump runs inside a repeatable-read transaction whose snapshot it shares (``--snapshot``), so the
row counts in the manifest are those of the very data dumped, however busy the server is.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.engine import URL, make_url

from zhili import migrate
from zhili.db import Database
from zhili.errors import ValidationFailed

SEARCH_PATH = re.compile(r"search_path\s*=\s*([A-Za-z_][A-Za-z0-9_$]*)")


@dataclass(frozen=True)
class Snapshot:
    schema: str
    server_version: str
    tool_version: str
    head: list[str]
    counts: dict[str, int]


def tool(name: str) -> str:
    """The newest ``pg_dump``/``pg_restore`` found on PATH or under /usr/lib/postgresql/*/bin
    (a dump needs a pg_dump at least as new as the server)."""
    candidates = [p for p in (shutil.which(name), *glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) if p]
    if not candidates:
        raise ValidationFailed(
            f"找不到 {name}：请安装 postgresql-client（Debian：apt-get install postgresql-client）"
        )
    return max(candidates, key=lambda path: _version_key(_version(path)))


def _version(path: str) -> str:
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True).stdout
    return out.strip().rsplit(" ", 1)[-1] if out.strip() else "0"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for the client tools; the password goes in the environment, not argv."""
    parts = {"host": url.host, "port": url.port, "dbname": url.database, "user": url.username}
    conninfo = " ".join(f"{k}={v}" for k, v in parts.items() if v)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return ["-d", conninfo], env


def schema_of(url: str) -> str:
    options = make_url(url).query.get("options", "")
    found = SEARCH_PATH.search(options if isinstance(options, str) else " ".join(options))
    return found.group(1) if found else "public"


def _tables(connection: Connection) -> list[str]:
    rows = connection.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1")
    )
    return [str(r[0]) for r in rows]


def _counts(connection: Connection) -> dict[str, int]:
    return {
        t: int(connection.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one())
        for t in _tables(connection)
    }


def dump(database: Database, target: Path) -> Snapshot:
    pg_dump = tool("pg_dump")
    args, env = _libpq(database.engine.url)
    with database.engine.connect() as raw:
        connection = raw.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            snapshot_id = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            schema = connection.execute(text("SELECT current_schema()")).scalar_one()
            if schema is None:
                raise ValidationFailed("数据库的 search_path 指向的模式不存在")
            counts = _counts(connection)
            head = sorted(migrate.current_revisions(connection))
            version = str(connection.execute(text("SHOW server_version")).scalar_one())
            command = [pg_dump, *args, "--format=custom", f"--snapshot={snapshot_id}", "-n", schema]
            _run([*command, "-f", str(target)], env)
    return Snapshot(schema, version, _version(pg_dump), head, counts)


def is_empty(database: Database) -> bool:
    with database.engine.connect() as connection:
        return not _tables(connection)


def counts_and_head(database: Database) -> tuple[dict[str, int], list[str]]:
    with database.engine.connect() as connection:
        return _counts(connection), sorted(migrate.current_revisions(connection))


def restore(database: Database, dump_file: Path, schema: str, *, force: bool) -> None:
    """Restore ``dump_file`` into ``schema`` of the target database, in one transaction."""
    if schema_of(database.url) != schema:
        raise ValidationFailed(
            f"备份来自模式 {schema}，目标数据库连接的模式是 {schema_of(database.url)}；"
            f"请在 ZHILI_DATABASE_URL 中使用 options=-csearch_path={schema}"
        )
    with database.engine.begin() as connection:
        if force:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    pg_restore = tool("pg_restore")
    args, env = _libpq(database.engine.url)
    listing = subprocess.run(
        [pg_restore, "-l", str(dump_file)], capture_output=True, text=True, check=True
    ).stdout
    # The schema itself exists already (created above, or the database's public schema).
    own = re.compile(rf"^\d+; \d+ \d+ (SCHEMA - {re.escape(schema)} |COMMENT - SCHEMA {re.escape(schema)} )")
    kept = "\n".join(line for line in listing.splitlines() if not own.match(line))
    list_file = dump_file.with_suffix(".list")
    list_file.write_text(kept + "\n", encoding="utf-8")
    command = [pg_restore, *args, "--no-owner", "--no-acl", "--exit-on-error", "--single-transaction"]
    _run([*command, "-L", str(list_file), str(dump_file)], env)


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        name = Path(command[0]).name
        raise ValidationFailed(f"{name} 失败：{result.stderr.strip()[:500]}")
