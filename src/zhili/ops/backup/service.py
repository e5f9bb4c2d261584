"""Make a backup archive and restore one: the database, the analytics store and the attachments.

Archive layout (an uncompressed tar; the dump, Parquet and images are compressed already)::

    database/zhili.dump       pg_dump --format=custom of one schema   (PostgreSQL)
    database/zhili.sqlite3    a copy through SQLite's backup API        (SQLite)
    analytics/...  attachments/...  models/...
    manifest.json             versions, migration head, row counts, SHA-256 of every file
"""

from __future__ import annotations

import os
import sqlite3
import tarfile
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from zhili import __version__, migrate
from zhili.analytics.store import Store
from zhili.db import Database
from zhili.errors import Conflict, ValidationFailed
from zhili.ops.backup import folders, postgres, sqlite
from zhili.ops.backup.manifest import MANIFEST, Manifest, key_check, sha256
from zhili.settings import Settings

DUMP = {"postgresql": "database/zhili.dump", "sqlite": "database/zhili.sqlite3"}


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    key_matches: bool


def backend_of(database: Database) -> str:
    name = database.engine.dialect.name
    if name not in DUMP:
        raise ValidationFailed(f"不支持备份 {name} 数据库")
    return name


LOCK_RETRY_S = 2.0


@contextmanager
def _store_locked(folder: Path, wait_s: float) -> Iterator[None]:
    """Hold the analytics store's write lock, waiting up to ``wait_s`` for a running sync to end."""
    deadline = time.monotonic() + wait_s
    with ExitStack() as held:
        while True:
            try:
                held.enter_context(Store(folder).writing())
                break
            except Conflict:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(LOCK_RETRY_S)
        yield


def create(settings: Settings, database: Database, out: Path, *, lock_wait_s: float = 600.0) -> Manifest:
    backend = backend_of(database)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".zhili-backup-") as tmp:
        dump_file = Path(tmp) / Path(DUMP[backend]).name
        manifest = _dump(settings, database, backend, dump_file)
        partial = Path(tmp) / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            _add(tar, manifest, DUMP[backend], dump_file)
            for name, folder in folders.folders(settings).items():
                # The store is archived under its write lock: no sync rewrites a file meanwhile.
                store = name == "analytics" and folder.is_dir()
                guard = _store_locked(folder, lock_wait_s) if store else nullcontext()
                with guard:
                    for relative, path in folders.files(folder):
                        _add(tar, manifest, f"{name}/{relative}", path)
            info = tarfile.TarInfo(MANIFEST)
            payload = manifest.to_json()
            info.size, info.mtime, info.mode = len(payload), int(datetime.now(UTC).timestamp()), 0o600
            with tempfile.TemporaryFile() as handle:
                handle.write(payload)
                handle.seek(0)
                tar.addfile(info, handle)
        partial.chmod(0o600)
        os.replace(partial, out)
    return manifest


def _add(tar: tarfile.TarFile, manifest: Manifest, name: str, path: Path) -> None:
    manifest.add_file(name, path)
    tar.add(path, arcname=name, recursive=False)


def _dump(settings: Settings, database: Database, backend: str, dump_file: Path) -> Manifest:
    if backend == "postgresql":
        snap = postgres.dump(database, dump_file)
        schema, server, tool_version = snap.schema, snap.server_version, snap.tool_version
        counts, head = snap.counts, snap.head
    else:
        sqlite.dump(database, dump_file)
        schema, server, tool_version = None, sqlite3.sqlite_version, sqlite3.sqlite_version
        counts, head = sqlite.counts_and_head(dump_file)
    return Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        zhili_version=__version__,
        backend=backend,
        database_version=server,
        tool_version=tool_version,
        schema=schema,
        migration_head=head,
        counts=counts,
        data_key_check=key_check(settings),
    )


def read_manifest(archive: Path) -> Manifest:
    try:
        with tarfile.open(archive, "r") as tar:
            member = tar.extractfile(MANIFEST)
            if member is None:
                raise KeyError(MANIFEST)
            return Manifest.from_json(member.read())
    except (tarfile.TarError, KeyError, OSError) as exc:
        raise ValidationFailed(f"无法读取备份 {archive}：{type(exc).__name__}") from None


def restore(settings: Settings, database: Database, archive: Path, *, force: bool) -> Restored:
    manifest = read_manifest(archive)
    backend = backend_of(database)
    if manifest.backend != backend:
        raise ValidationFailed(f"备份来自 {manifest.backend}，目标数据库是 {backend}")
    unknown = [r for r in manifest.migration_head if not migrate.known_revision(r)]
    if unknown or not manifest.migration_head:
        raise ValidationFailed(
            f"备份的迁移版本 {unknown or '（无）'} 不属于当前代码；请用生成备份的 zhili 版本恢复"
        )
    targets = folders.folders(settings)
    if not force:
        _refuse_non_empty(database, backend, targets)
    Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=settings.data_dir, prefix=".zhili-restore-") as tmp:
        root = Path(tmp)
        with tarfile.open(archive, "r") as tar:
            tar.extractall(root, filter="data")
        _verify_files(root, manifest)
        dump_file = root / DUMP[backend]
        if backend == "postgresql":
            postgres.restore(database, dump_file, manifest.schema or "public", force=force)
            counts, head = postgres.counts_and_head(database)
        else:
            sqlite.restore(database, dump_file)
            counts, head = sqlite.counts_and_head(sqlite.path_of(database))
        if head != manifest.migration_head:
            raise ValidationFailed(f"恢复后的迁移版本 {head} 与备份 {manifest.migration_head} 不一致")
        if counts != manifest.counts:
            differing = sorted(
                t for t in set(counts) | set(manifest.counts) if counts.get(t) != manifest.counts.get(t)
            )
            raise ValidationFailed(f"恢复后的行数与备份不一致：{'、'.join(differing[:10])}")
        for name, folder in targets.items():
            folders.put_in_place(root / name, folder, force=force)
    return Restored(manifest, key_matches=key_check(settings) == manifest.data_key_check)


def _refuse_non_empty(database: Database, backend: str, targets: dict[str, Path]) -> None:
    empty = (
        postgres.is_empty(database) if backend == "postgresql" else sqlite.is_empty(sqlite.path_of(database))
    )
    if not empty:
        raise Conflict("目标数据库非空，拒绝恢复（确认覆盖请加 --force）")
    for folder in targets.values():
        if not folders.is_empty(folder):
            raise Conflict(f"目标目录非空：{folder}（确认覆盖请加 --force）")


def _verify_files(root: Path, manifest: Manifest) -> None:
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(manifest.files):
        extra, missing = sorted(present - set(manifest.files)), sorted(set(manifest.files) - present)
        raise ValidationFailed(f"备份内容与清单不符：多出 {extra[:3]}，缺少 {missing[:3]}")
    for name, expected in manifest.files.items():
        if sha256(root / name) != expected["sha256"]:
            raise ValidationFailed(f"校验和不符，备份已损坏：{name}")
