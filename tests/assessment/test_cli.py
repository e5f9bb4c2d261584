"""`zhili assess` as a user runs it, on a real, committed database.

The first publication runs as a real process; the other commands run in-process (Typer's runner, same
code path and environment) because a process start costs seconds on the test machine.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select
from typer.testing import CliRunner

from assessment.factory import make_case
from support.cases import JIUXIANQIAO, WANGJING
from zhili.assessment.cli import app
from zhili.assessment.models import AssessmentRun, DailySums, RuleSetRow
from zhili.cases.states import Satisfaction
from zhili.cli import app as zhili_app
from zhili.db import Database
from zhili.settings import get_settings

ZHILI = [sys.executable, "-m", "zhili.cli"]


def environment(database: Database, data_dir: Path) -> dict[str, str]:
    return {
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_DATABASE_URL": database.url,
        "COLUMNS": "200",
    }


def process(args: list[str], database: Database, data_dir: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **environment(database, data_dir)}
    return subprocess.run(
        [*ZHILI, *args], capture_output=True, text=True, env=environ, timeout=300, cwd=data_dir
    )


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def run(args: list[str], database: Database, data_dir: Path) -> Outcome:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment(database, data_dir).items():
            patch.setenv(name, value)
        patch.chdir(data_dir)
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(zhili_app, args)
        finally:
            get_settings.cache_clear()
    return Outcome(result.exit_code, result.stdout, result.stderr)


@pytest.fixture(scope="module")
def october(committed_database: Database) -> Database:
    with committed_database.session() as session:
        make_case(session, WANGJING)
        make_case(session, WANGJING, late=True, solved=False, satisfaction=Satisfaction.basically_satisfied)
        make_case(session, JIUXIANQIAO)
    return committed_database


def test_every_command_has_chinese_help() -> None:
    assert app.info.help and "考核" in app.info.help
    for command in app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.name


def test_run_publishes_versions_and_export_opens(october: Database, tmp_path: Path) -> None:
    first = process(["assess", "run", "--month", "2026-10"], october, tmp_path)
    assert first.returncode == 0, first.stderr + first.stdout
    assert "2026-10 第 1 版已发布" in first.stdout and "酒仙桥街道办事处" in first.stdout

    changed = run(
        ["assess", "config", "set", "weight_response=0", "weight_resolution=0.5", "weight_satisfaction=0.5"],
        october,
        tmp_path,
    )
    assert changed.returncode == 0, changed.stderr
    shown = run(["assess", "config", "show"], october, tmp_path)
    assert "weight_response = 0.0" in shown.stdout
    second = run(["assess", "run", "--month", "2026-10"], october, tmp_path)
    assert "第 2 版已发布" in second.stdout

    out = run(
        ["assess", "export", "--month", "2026-10", "--format", "csv", "--version", "1"], october, tmp_path
    )
    assert out.returncode == 0, out.stderr
    raw = (tmp_path / "assessment-2026-10-v1.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    wangjing = next(r for r in rows if r["单位编码"] == WANGJING)
    assert (wangjing["排名"], wangjing["响应率(%)"], wangjing["综合得分"]) == ("2", "50.0", "66.0")

    target = tmp_path / "october.xlsx"
    out = run(
        ["assess", "export", "--month", "2026-10", "--format", "xlsx", "--output", str(target)],
        october,
        tmp_path,
    )
    assert out.returncode == 0, out.stderr
    sheet = load_workbook(target)["街道乡镇"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["排名", "单位编码", "单位名称"]
    assert values[2][:2] == [2, WANGJING] and values[2][8] == 70.0  # version 2: 100 x (0.5 x 0.5 + 0.5 x 0.9)

    table = run(["assess", "show", "--month", "2026-10", "--version", "1"], october, tmp_path)
    assert "望京街道办事处" in table.stdout and "66.00" in table.stdout


def _written(database: Database) -> tuple[int, int]:
    with database.session(write=False) as session:
        runs = session.execute(select(func.count()).select_from(AssessmentRun)).scalar_one()
        rule_sets = session.execute(select(func.count()).select_from(RuleSetRow)).scalar_one()
    return int(runs), int(rule_sets)


def test_bad_arguments_exit_with_a_chinese_message(october: Database, tmp_path: Path) -> None:
    before = _written(october)
    for args, words in (
        (["assess", "run", "--month", "2026-13"], "YYYY-MM"),
        (["assess", "export", "--month", "2026-11"], "尚未发布"),
        (["assess", "export", "--month", "2026-10", "--format", "pdf"], "xlsx 或 csv"),
        (["assess", "config", "set", "bonus=1"], "未知的考核规则项"),
        (["assess", "config", "set", "weight_response=2"], "配置无效"),
    ):
        result = run(args, october, tmp_path)
        assert result.returncode != 0, args
        assert words in result.stderr, (args, result.stderr)
    assert _written(october) == before


def test_rebuild_daily_recounts_the_per_day_sums(october: Database, tmp_path: Path) -> None:
    with october.session() as session:
        kept = session.execute(select(func.sum(DailySums.cases))).scalar_one()
        session.execute(delete(DailySums))  # as after a COPY with the triggers off
    out = run(["assess", "rebuild-daily"], october, tmp_path)
    assert out.returncode == 0, out.stderr
    assert "已重新统计按日考核汇总" in out.stdout
    with october.session(write=False) as session:
        assert session.execute(select(func.sum(DailySums.cases))).scalar_one() == kept >= 3
