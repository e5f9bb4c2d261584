"""`zhili divisions import` and `zhili divisions list`, run against the test transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from zhili.audit.models import AuditEntry
from zhili.divisions import cli, repository
from zhili.divisions.models import DivisionLevel

CITY = Path(__file__).parent / "fixtures" / "city"
runner = CliRunner()


class _TransactionDatabase:
    """Stands in for ``cli_support.open_database()``: each unit of work is a savepoint of the test
    transaction, committed or rolled back like a real one."""

    def __init__(self, session: Session) -> None:
        self._session = session

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        savepoint = self._session.begin_nested()
        try:
            yield self._session
            savepoint.commit()
        except BaseException:
            savepoint.rollback()
            raise


@pytest.fixture
def use_test_database(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setattr(cli, "_open_database", lambda: _TransactionDatabase(session))
    return session


def test_every_command_has_help() -> None:
    result = runner.invoke(cli.app, ["--help"])
    assert result.exit_code == 0
    assert "import" in result.output and "list" in result.output
    for command in cli.app.registered_commands:
        assert command.help


def test_list_cities_and_children(use_test_database: Session) -> None:
    result = runner.invoke(cli.app, ["list"])
    assert result.exit_code == 0, result.output
    assert "11\t北京市\t市\t下级 16" in result.output
    result = runner.invoke(cli.app, ["list", "--parent", "110105"])
    assert "110105026\t望京街道" in result.output


def test_list_unknown_parent_fails(use_test_database: Session) -> None:
    result = runner.invoke(cli.app, ["list", "--parent", "999"])
    assert result.exit_code == 1
    assert "不存在" in result.output


def test_import_records_an_audit_entry(use_test_database: Session) -> None:
    session = use_test_database
    result = runner.invoke(cli.app, ["import", str(CITY), "--code", "4401"])
    assert result.exit_code == 0, result.output
    assert "已导入 广州市（4401）" in result.output
    assert repository.get(session, "440104001001") is not None
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "divisions.import")).one()
    assert (entry.actor, entry.target_id) == ("cli", "4401")


def test_failed_import_writes_nothing(use_test_database: Session, tmp_path: Path) -> None:
    session = use_test_database
    result = runner.invoke(cli.app, ["import", str(tmp_path), "--code", "4401"])
    assert result.exit_code == 1
    assert "找不到文件" in result.output
    assert repository.counts_by_level(session, within="4401")[DivisionLevel.city] == 0
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "divisions.import")).first() is None
