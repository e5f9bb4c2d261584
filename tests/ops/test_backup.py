"""``zhili backup`` and ``zhili restore`` on both backends: demo data backed up, restored into an
empty database, the audit chain verifies there and the counts match; never a key in the archive."""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import BACKENDS, PG_ADMIN_URL, PG_SCHEMA, _run_admin, backend_url
from support.cli import invoke
from zhili.analytics.store import Store
from zhili.cases.models import Case
from zhili.db import Database
from zhili.kernel.crypto import new_data_key
from zhili.storage.service import LocalFileStore

SCHEMA = f"{PG_SCHEMA}_backup"
TARGET_DB = f"zhili_restore_{PG_SCHEMA.rsplit('_', 1)[-1]}"
SECRET = "bk-Zr8qW3nV6tY1uI4oP7aS0dF2gH5jK9lX-cBmNq"
DATA_KEY = new_data_key()
PHOTO = b"\x89PNG demo attachment bytes"


def environment(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {"ZHILI_ENVIRONMENT": "test", "ZHILI_DATA_DIR": str(data_dir)}
    env |= {"ZHILI_SECRET_KEY": SECRET, "ZHILI_DATA_KEY": DATA_KEY}
    return env | ({"ZHILI_DATABASE_URL": database_url} if database_url else {})


@pytest.fixture(scope="module", params=BACKENDS)
def urls(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    """(source URL, empty target URL) of one backend; None means the data directory's SQLite file."""
    if request.param == "sqlite":
        yield None, None
        return
    source = backend_url("postgresql", tmp_path_factory.mktemp("pg"), SCHEMA)
    _run_admin(f"DROP DATABASE IF EXISTS {TARGET_DB}", f"CREATE DATABASE {TARGET_DB}")
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield source, f"{base}/{TARGET_DB}?options=-csearch_path%3D{SCHEMA}"
    _run_admin(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE", f"DROP DATABASE IF EXISTS {TARGET_DB} WITH (FORCE)")


@pytest.fixture(scope="module")
def backed_up(urls: tuple, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """Demo data on the source, one attachment, and its backup archive."""
    root = tmp_path_factory.mktemp("source")
    env = environment(root / "data", urls[0])
    seeded = invoke(["init", "--demo", "--demo-cases", "120"], env, root)
    assert seeded.returncode == 0, seeded.output
    LocalFileStore(root / "data" / "attachments").put(PHOTO)
    archive = root / "zhili.tar"
    result = invoke(["backup", "--out", str(archive)], env, root)
    assert result.returncode == 0, result.output
    assert "不包含个人信息加密密钥 ZHILI_DATA_KEY" in result.stdout
    return archive, env


def cases_in(env: dict[str, str]) -> int:
    url = env.get("ZHILI_DATABASE_URL") or f"sqlite:///{Path(env['ZHILI_DATA_DIR']) / 'zhili.sqlite3'}"
    database = Database(url)
    try:
        with database.session(write=False) as session:
            return int(session.execute(select(func.count()).select_from(Case)).scalar_one())
    finally:
        database.dispose()


def test_the_archive_holds_a_manifest_and_never_a_key(backed_up: tuple[Path, dict[str, str]]) -> None:
    archive, env = backed_up
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
        names = tar.getnames()
    assert manifest["format"] == "zhili-backup/1"
    assert manifest["counts"]["cases"] == cases_in(env) == 120
    assert manifest["migration_head"] and set(manifest["files"]) == set(names) - {"manifest.json"}
    assert any(n.startswith("analytics/cases/month=") for n in names)
    assert any(n.startswith("attachments/") for n in names)
    assert archive.stat().st_mode & 0o777 == 0o600  # readable by its owner only
    raw = archive.read_bytes()
    for secret in (DATA_KEY, SECRET):
        assert secret.encode() not in raw


def test_restore_into_an_empty_database_verifies_and_counts_match(
    backed_up: tuple[Path, dict[str, str]], urls: tuple, tmp_path: Path
) -> None:
    archive, source_env = backed_up
    env = environment(tmp_path / "data", urls[1])
    restored = invoke(["restore", str(archive)], env, tmp_path)
    assert restored.returncode == 0, restored.output
    assert "个人信息可以解密" in restored.stdout
    verify = invoke(["audit", "verify"], env, tmp_path)
    assert verify.returncode == 0, verify.output
    assert "审计日志完整" in verify.stdout
    assert cases_in(env) == cases_in(source_env) == 120
    source_store = sorted(
        p.name for p in (Path(source_env["ZHILI_DATA_DIR"]) / "analytics").rglob("*.parquet")
    )
    assert sorted(p.name for p in (tmp_path / "data" / "analytics").rglob("*.parquet")) == source_store
    key = LocalFileStore.key_for(PHOTO)
    assert (tmp_path / "data" / "attachments" / key).read_bytes() == PHOTO

    again = invoke(["restore", str(archive)], env, tmp_path)
    assert again.returncode == 1 and "非空" in again.stderr
    forced = invoke(["restore", "--force", str(archive)], env, tmp_path)
    assert forced.returncode == 0, forced.output
    assert cases_in(env) == 120


def test_a_damaged_archive_or_another_backend_is_refused(
    backed_up: tuple[Path, dict[str, str]], urls: tuple, tmp_path: Path
) -> None:
    archive, _ = backed_up
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("attachments/"):
                data = data[:-1] + b"!"
            target.addfile(member, io.BytesIO(data))
    env = environment(tmp_path / "data", None)
    result = invoke(["restore", str(damaged)], env, tmp_path)
    assert result.returncode == 1
    if urls[0] is None:
        assert "校验和不符" in result.stderr and "attachments/" in result.stderr
    else:  # a PostgreSQL backup is not restored into SQLite
        assert "备份来自 postgresql，目标数据库是 sqlite" in result.stderr


def test_a_backup_does_not_archive_a_store_a_sync_is_writing(
    backed_up: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    _, env = backed_up
    with Store(Path(env["ZHILI_DATA_DIR"]) / "analytics").writing():  # as `zhili analytics sync` does
        result = invoke(["backup", "--out", str(tmp_path / "b.tar"), "--lock-wait", "0"], env, tmp_path)
    assert result.returncode == 1 and "分析库正在同步" in result.stderr
    assert not (tmp_path / "b.tar").exists()


def test_a_restore_under_another_data_key_warns_that_personal_data_stays_sealed(
    backed_up: tuple[Path, dict[str, str]], urls: tuple, tmp_path: Path
) -> None:
    archive, _ = backed_up
    env = environment(tmp_path / "data", urls[1]) | {"ZHILI_DATA_KEY": new_data_key()}
    result = invoke(["restore", "--force", str(archive)], env, tmp_path)
    assert result.returncode == 0, result.output
    assert "当前 ZHILI_DATA_KEY 与备份时不同" in result.stderr
