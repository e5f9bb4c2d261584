"""`zhili divisions import`, `list` and `population`, run against the test transaction."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from support.transactions import TransactionDatabase
from zhili.audit.models import AuditEntry
from zhili.divisions import cli, repository
from zhili.divisions.models import DivisionLevel

CITY = Path(__file__).parent / "fixtures" / "city"
runner = CliRunner()


@pytest.fixture
def use_test_database(session: Session, monkeypatch: pytest.MonkeyPatch) -> Session:
    monkeypatch.setattr(cli, "_open_database", lambda: TransactionDatabase(session))
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


def _population_entries(session: Session) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "divisions.population.set")))


def test_population_show_and_set(use_test_database: Session) -> None:
    session = use_test_database
    shown = runner.invoke(cli.app, ["population", "show", "--parent", "11"])
    assert shown.exit_code == 0, shown.output
    assert "110105\t朝阳区\t区\t3,452,460\t2020\t北京市第七次全国人口普查公报（第二号）" in shown.output
    args = ["population", "set", "110105026", "141986", "--year", "2020", "--source", "街道普查汇总"]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert "望京街道（110105026）2020 年常住人口 141,986 人：新增" in result.output
    assert [(e.actor, e.target_id) for e in _population_entries(session)] == [("cli", "110105026")]
    streets = runner.invoke(cli.app, ["population", "show", "--parent", "110105"]).output
    assert "110105026\t望京街道\t街道/乡镇\t141,986\t2020\t街道普查汇总" in streets
    assert "110105011\t酒仙桥街道\t街道/乡镇\t无人口数据" in streets
    absurd = runner.invoke(
        cli.app, ["population", "set", "110105", "99000000", "--year", "2020", "--source", "x"]
    )
    assert absurd.exit_code == 1 and "合理范围" in absurd.output
    assert len(_population_entries(session)) == 1


def test_population_import_is_all_or_nothing(use_test_database: Session, tmp_path: Path) -> None:
    session = use_test_database
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "code,name,year,residents,source\n110105011,酒仙桥街道,2020,96000,汇总\n110105026,望京街道,2020,许多,汇总\n",
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["population", "import", str(bad)])
    assert result.exit_code == 1 and "第 3 行：常住人口须为整数" in result.output
    unknown = tmp_path / "unknown.csv"
    unknown.write_text(
        "code,year,residents,source\n110105011,2020,96000,汇总\n999999,2020,5,汇总\n", encoding="utf-8"
    )
    result = runner.invoke(cli.app, ["population", "import", str(unknown)])
    assert result.exit_code == 1 and "第 2 条（999999）：行政区划 999999 不存在" in result.output
    assert repository.latest_populations(session, ["110105011"]) == {} and not _population_entries(session)
    good = tmp_path / "good.csv"
    good.write_text(
        '\ufeffcode,year,residents,source\n110105011,2020,"96,000",汇总\n110105,2020,3452460,北京市第七次全国人口普查公报（第二号）\n',
        encoding="utf-8",
    )
    result = runner.invoke(cli.app, ["population", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "已导入 2 条：新增 1，更新 0，未变 1" in result.output
    assert repository.latest_populations(session, ["110105011"])["110105011"].residents == 96_000
