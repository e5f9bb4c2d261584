"""``zhili doctor`` names every unsafe item of a production configuration, and passes a safe one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import PG_SCHEMA, backend_url
from support.cli import invoke
from zhili import migrate
from zhili.db import Database
from zhili.kernel.crypto import new_data_key

STRONG_SECRET = "kT9w-Qz2_Lm8vR4xN6pB1sY7cH3dF5gJ0aE-uWq_iZoXnMb"  # 48 random characters
SCHEMA = f"{PG_SCHEMA}_doctor"


@pytest.fixture(scope="module")
def pg_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL schema migrated to head (what `zhili init` leaves), dropped afterwards."""
    url = backend_url("postgresql", tmp_path_factory.mktemp("doctor"), SCHEMA)
    database = Database(url)
    migrate.upgrade(database.engine)
    database.dispose()
    yield url
    from conftest import _run_admin

    _run_admin(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


def safe_environment(data_dir: Path, database_url: str) -> dict[str, str]:
    return {
        "ZHILI_ENVIRONMENT": "production",
        "ZHILI_SECRET_KEY": STRONG_SECRET,
        "ZHILI_DATA_KEY": new_data_key(),
        "ZHILI_DATABASE_URL": database_url,
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_PUBLIC_BASE_URL": "https://12345.example.gov.cn",
        "ZHILI_TIMEZONE": "Asia/Shanghai",
    }


def failed_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("✗")]


def test_a_safe_production_configuration_passes(pg_url: str, tmp_path: Path) -> None:
    result = invoke(["doctor"], safe_environment(tmp_path / "data", pg_url), tmp_path)
    assert result.returncode == 0, result.output
    assert failed_lines(result.output) == []
    for passed in (
        "✓ 数据库迁移：已是最新版本",
        "✓ 系统时钟",
        "✓ API 文档",
        "✓ 会话 Cookie",
        "✓ 数据库类型：PostgreSQL",
    ):
        assert passed in result.stdout
    assert "全部通过" in result.stdout
    assert STRONG_SECRET not in result.output  # a key is never printed


def test_an_unsafe_production_configuration_fails_naming_each_item(tmp_path: Path) -> None:
    env = {
        "ZHILI_ENVIRONMENT": "production",
        "ZHILI_SECRET_KEY": "test-secret-" + "x" * 32,  # long enough for start-up, but no entropy
        "ZHILI_DATA_DIR": str(tmp_path / "data"),  # no database URL: SQLite
        "ZHILI_PUBLIC_BASE_URL": "http://12345.example.gov.cn",
        "ZHILI_TIMEZONE": "Asia/Beijing",  # not an IANA zone
    }
    (tmp_path / "data").mkdir()
    invoke(["init"], {**env, "ZHILI_ENVIRONMENT": "development"}, tmp_path)
    result = invoke(["doctor"], env, tmp_path)
    assert result.returncode == 1
    failures = "\n".join(failed_lines(result.stdout))
    for item in ("ZHILI_SECRET_KEY", "ZHILI_DATA_KEY", "时区", "数据库类型", "ZHILI_PUBLIC_BASE_URL"):
        assert item in failures, result.stdout
    assert "5 项未通过" in result.stderr
    assert "✓ API 文档" in result.stdout  # production closes them, whatever else is wrong


def test_a_development_configuration_is_not_a_production_one(pg_url: str, tmp_path: Path) -> None:
    env = {**safe_environment(tmp_path / "data", pg_url), "ZHILI_ENVIRONMENT": "development"}
    result = invoke(["doctor"], env, tmp_path)
    assert result.returncode == 1
    failures = "\n".join(failed_lines(result.stdout))
    for item in ("运行环境", "API 文档", "会话 Cookie"):
        assert item in failures, result.stdout


def test_a_database_behind_the_code_and_a_default_secret_are_named(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    Database(f"sqlite:///{data_dir / 'zhili.sqlite3'}").dispose()
    env = {"ZHILI_ENVIRONMENT": "production", "ZHILI_DATA_DIR": str(data_dir)}
    result = invoke(["doctor", "--skip", "backend"], env, tmp_path)
    assert result.returncode == 1
    failures = "\n".join(failed_lines(result.stdout))
    assert "change-me" in failures
    assert "数据库迁移：数据库为 未迁移" in failures
    assert "数据库类型" not in result.stdout  # skipped on request


def test_the_queue_without_a_live_worker_is_named(pg_url: str, tmp_path: Path) -> None:
    env = {**safe_environment(tmp_path / "data", pg_url), "ZHILI_JOBS": "queue"}
    result = invoke(["doctor"], env, tmp_path)
    assert result.returncode == 1
    assert failed_lines(result.stdout) == [
        line
        for line in result.stdout.splitlines()
        if line.startswith("✗ 后台任务进程心跳：未发现 zhili worker 的心跳")
    ]
    inline = invoke(["doctor"], safe_environment(tmp_path / "data", pg_url), tmp_path)
    assert "✓ 后台任务进程心跳：ZHILI_JOBS=inline" in inline.stdout
    # A worker registers itself in the queue's table and beats there (as `zhili worker` does).
    database = Database(pg_url)
    try:
        with database.engine.begin() as connection:
            connection.execute(text("INSERT INTO procrastinate_workers DEFAULT VALUES"))
        alive = invoke(["doctor"], env, tmp_path)
        assert alive.returncode == 0, alive.output
        assert "✓ 后台任务进程心跳：最近一次心跳在" in alive.stdout
    finally:
        with database.engine.begin() as connection:
            connection.execute(text("DELETE FROM procrastinate_workers"))
        database.dispose()


def test_settings_that_cannot_be_read_are_one_named_failure(tmp_path: Path) -> None:
    env = {"ZHILI_ENVIRONMENT": "production", "ZHILI_DATA_DIR": str(tmp_path), "ZHILI_H3_RESOLUTION": "99"}
    result = invoke(["doctor"], env, tmp_path)
    assert result.returncode == 1
    assert failed_lines(result.stdout) == [
        line for line in result.stdout.splitlines() if "h3_resolution" in line
    ]
