"""The deadline sweep: 预警 and 超期 flags and 督办 records, counted under the official calendar.

Cases are made through the API; the dispatch time is moved with the real ``start_round`` and the
sweep is run at explicit moments (time travel by argument, not by mocking the clock).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CHAOYANG_CGW, CHAOYANG_ENV, WANGJING, Staff, act, intake, staff
from zhili.app import create_app
from zhili.audit.models import AuditEntry
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.deadlines import start_round
from zhili.cases.models import Case, CaseEvent, Supervision
from zhili.cases.sweep.service import sweep
from zhili.db import Database
from zhili.jobs.inline import run_every, start_inline_jobs, stop_inline_jobs
from zhili.jobs.registry import BY_NAME
from zhili.kernel.clock import as_aware
from zhili.settings import Settings

SH = ZoneInfo("Asia/Shanghai")


def sh(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def when(text: str) -> datetime:
    return as_aware(datetime.fromisoformat(text))


@pytest.fixture
def ctx(settings: Settings) -> CaseContext:
    assert settings.warning_fraction == 0.8
    return CaseContext.for_settings(settings)


def load(session: Session, code: str) -> Case:
    session.expire_all()  # the API changed the row through its own sessions
    return session.execute(select(Case).where(Case.code == code)).scalar_one()


def backdate(session: Session, ctx: CaseContext, code: str, start: datetime) -> Case:
    """Pretend the case was dispatched at ``start``: the real deadline code recomputes the round."""
    case = load(session, code)
    case.dispatched_at = start.astimezone(UTC)
    start_round(session, ctx, case, start)
    session.flush()
    return case


def supervisions(session: Session, code: str) -> list[str]:
    case = load(session, code)
    query = select(Supervision.reason).where(Supervision.case_id == case.id).order_by(Supervision.id)
    return list(session.execute(query).scalars())


def event_count(session: Session) -> int:
    return int(session.execute(select(func.count(CaseEvent.id))).scalar_one())


def sweep_audits(session: Session) -> int:
    query = select(func.count(AuditEntry.seq)).where(AuditEntry.action == "case.sweep")
    return int(session.execute(query).scalar_one())


STEPS = {"dispatch": (), "sign": ("sign",), "contact": ("sign", "contact")}


def handled_case(app: Any, session: Session, upto: str = "contact") -> tuple[Staff, str]:
    """A case dispatched to 望京街道 and taken by the street up to ``upto``."""
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    for step in STEPS[upto]:
        act(s.street, code, step)
    return s, code


def listed(client: TestClient, **filters: Any) -> list[str]:
    response = client.get("/api/cases", params=filters)
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["items"]]


def test_overdue_counts_working_days_across_national_day_and_a_make_up_saturday(
    app: Any, session: Session, ctx: CaseContext
) -> None:
    s, code = handled_case(app, session)
    case = backdate(session, ctx, code, sh(9, 29, 10))
    # 7 working days from Tuesday 09-29 10:00: 09-30 (1); 10-01..10-07 National Day; 10-08 (2),
    # 10-09 (3), Saturday 10-10 调休 (4); Sunday 10-11 off; 10-12 (5), 10-13 (6), Wednesday 10-14 (7).
    assert as_aware(case.feedback_due) == sh(10, 14, 10)

    # 预警 at 80% of the 15 calendar days between dispatch and due: from 10-11 10:00.
    assert not sweep(session, ctx, now=sh(10, 11, 9, 59)).changed
    warned = sweep(session, ctx, now=sh(10, 11, 10))
    assert (warned.warned, warned.overdue, warned.supervisions) == (1, 0, 0)
    case = load(session, code)
    assert (case.warning, case.overdue) == (True, False)

    # One minute before the deadline: still only 预警.
    assert not sweep(session, ctx, now=sh(10, 14, 9, 59)).changed
    assert not load(session, code).overdue
    assert supervisions(session, code) == []

    audits = sweep_audits(session)
    late = sweep(session, ctx, now=sh(10, 14, 10, 1))
    assert (late.warned, late.overdue, late.supervisions) == (0, 1, 1)
    case = load(session, code)
    assert (case.warning, case.overdue) == (False, True)
    assert supervisions(session, code) == ["overdue_feedback"]
    assert sweep_audits(session) == audits + 1

    # Idempotent: the same moment again, or later, changes nothing and opens no second 督办.
    events = event_count(session)
    for moment in (sh(10, 14, 10, 1), sh(10, 20)):
        again = sweep(session, ctx, now=moment)
        assert not again.changed
        assert again.counts()["supervisions"] == 0
    assert supervisions(session, code) == ["overdue_feedback"]
    assert event_count(session) == events
    assert sweep_audits(session) == audits + 1

    # The flags and the history are visible through the API.
    detail = s.dispatcher.get(f"/api/cases/{code}").json()
    assert (detail["warning"], detail["overdue"]) == (False, True)
    swept = [e for e in detail["events"] if e["actor"] == "sweep"]
    assert [(e["action"], e["label"]) for e in swept] == [
        ("sweep_warning", "临期预警"),
        ("sweep_overdue", "超期"),
    ]
    assert swept[0]["note"] == "反馈时限将至（2026-10-14 10:00 截止）"
    assert swept[1]["note"] == "反馈超期（时限 2026-10-14 10:00）"
    assert swept[1]["data"] == {"stages": ["feedback"], "supervised": ["feedback"]}
    assert when(swept[1]["at"]) == sh(10, 14, 10, 1)
    assert code in listed(s.dispatcher, overdue="true")
    assert code not in listed(s.dispatcher, overdue="false")
    assert code not in listed(s.dispatcher, warning="true")
    assert code in listed(s.street, overdue="true")  # the lead unit sees its own overdue cases


def test_an_unsigned_case_gets_one_supervision_per_overdue_stage(
    app: Any, session: Session, ctx: CaseContext
) -> None:
    s, code = handled_case(app, session, upto="dispatch")
    case = backdate(session, ctx, code, sh(9, 29, 10))
    assert as_aware(case.sign_due) == sh(9, 29, 12)  # 签收 within 2 h, 7×24

    assert not sweep(session, ctx, now=sh(9, 29, 11, 35)).changed  # 1 h 35 min of 2 h: under 80%
    assert sweep(session, ctx, now=sh(9, 29, 11, 36)).warned == 1
    assert sweep(session, ctx, now=sh(9, 29, 12)).changed is False  # due at 12:00, not past it
    signing = sweep(session, ctx, now=sh(9, 29, 12, 1))
    assert (signing.overdue, signing.supervisions) == (1, 1)
    assert supervisions(session, code) == ["overdue_sign"]

    # Still unsigned when the 反馈 deadline passes too: a second 督办 for that stage, not a new flag.
    feedback = sweep(session, ctx, now=sh(10, 14, 10, 1))
    assert (feedback.overdue, feedback.supervisions) == (0, 1)
    assert supervisions(session, code) == ["overdue_sign", "overdue_feedback"]
    assert not sweep(session, ctx, now=sh(10, 15)).changed
    last = s.dispatcher.get(f"/api/cases/{code}").json()["events"][-1]
    assert last["action"] == "sweep_overdue"
    assert last["data"] == {"stages": ["sign", "feedback"], "supervised": ["feedback"]}
    assert last["note"] == "签收超期（时限 2026-09-29 12:00）；反馈超期（时限 2026-10-14 10:00）"


def test_cases_without_a_running_deadline_are_never_flagged(
    app: Any, session: Session, ctx: CaseContext
) -> None:
    s = staff(app, session)
    closed = intake(s.operator)
    act(s.dispatcher, closed, "dispatch", lead_unit=WANGJING)
    act(s.street, closed, "sign")
    act(s.street, closed, "contact")
    act(s.street, closed, "report", reply="已约谈广场舞队伍负责人，调整活动时间并降低音量。")
    assert (
        act(s.operator, closed, "visit", contacted=True, solved=True, satisfaction="满意")["state"]
        == "closed"
    )
    returned = intake(s.operator)
    act(s.dispatcher, returned, "dispatch", lead_unit=WANGJING)
    act(s.street, returned, "return", reason="小区物业问题，不属于街道")
    waiting = intake(s.operator)  # never dispatched
    assert load(session, closed).feedback_due is not None  # its old deadline is still on the row

    report = sweep(session, ctx, now=sh(6, 1, year=2027))
    assert report.examined == 0  # the SQL conditions did not even select them
    assert not report.changed
    for code in (closed, returned, waiting):
        case = load(session, code)
        assert (case.warning, case.overdue) == (False, False), code
        assert supervisions(session, code) == []
    assert listed(s.dispatcher, overdue="true") == []


def test_a_report_ends_the_stage_and_lifts_the_flag(app: Any, session: Session, ctx: CaseContext) -> None:
    s, code = handled_case(app, session)
    backdate(session, ctx, code, sh(9, 29, 10))
    assert sweep(session, ctx, now=sh(10, 14, 10, 1)).overdue == 1
    act(s.street, code, "report", reply="已协调物业整改，问题已解决。")
    lifted = sweep(session, ctx, now=sh(10, 14, 10, 5))
    assert (lifted.cleared, lifted.overdue, lifted.warned) == (1, 0, 0)
    assert load(session, code).overdue is False
    assert supervisions(session, code) == ["overdue_feedback"]  # the 督办 record stays
    assert not sweep(session, ctx, now=sh(10, 14, 10, 5)).changed


def test_an_approved_extension_moves_the_deadline_and_clears_overdue(
    app: Any, session: Session, ctx: CaseContext
) -> None:
    s, code = handled_case(app, session)
    backdate(session, ctx, code, sh(9, 29, 10))
    assert sweep(session, ctx, now=sh(10, 14, 10, 1)).overdue == 1

    act(s.street, code, "request_extension", extension="10d", reason="需协调多个部门现场会商")
    approved = act(s.dispatcher, code, "approve_extension", note="同意延期")
    assert when(approved["feedback_due"]) == sh(10, 24, 10)  # 10 natural days after 10-14 10:00

    cleared = sweep(session, ctx, now=sh(10, 15, 10))
    assert (cleared.cleared, cleared.overdue, cleared.warned) == (1, 0, 0)
    detail = s.dispatcher.get(f"/api/cases/{code}").json()
    assert (detail["warning"], detail["overdue"]) == (False, False)
    assert code not in listed(s.dispatcher, overdue="true")

    # 80% of the 25 days from dispatch to the new deadline is 10-19 10:00.
    assert sweep(session, ctx, now=sh(10, 19, 10)).warned == 1
    again = sweep(session, ctx, now=sh(10, 24, 10, 1))
    assert again.overdue == 1
    assert supervisions(session, code) == ["overdue_feedback"]  # one 督办 per stage and round


def test_a_reopened_case_is_a_new_round_with_its_own_supervision(
    app: Any, session: Session, ctx: CaseContext
) -> None:
    s, code = handled_case(app, session)
    backdate(session, ctx, code, sh(9, 29, 10))
    sweep(session, ctx, now=sh(10, 14, 10, 1))
    act(s.street, code, "report", reply="已处理。")
    act(s.operator, code, "visit", contacted=True, solved=False, satisfaction="不满意", comment="没有解决")
    assert load(session, code).state.value == "dispatched"  # 重办
    backdate(session, ctx, code, sh(11, 2, 9))  # the second round starts on Monday 11-02
    report = sweep(session, ctx, now=sh(11, 2, 11, 1))
    assert (report.overdue, report.supervisions) == (1, 1)
    assert supervisions(session, code) == ["overdue_feedback", "overdue_sign"]


def test_a_co_unit_late_to_check_in_gets_one_supervision(
    app: Any, session: Session, ctx: CaseContext
) -> None:
    s, code = handled_case(app, session, upto="sign")
    called = act(s.street, code, "whistle", units=[CHAOYANG_CGW, CHAOYANG_ENV], note="请到场")
    due = {a["unit"]: when(a["checkin_due"]) for a in called["assignments"] if a["role"] == "co"}
    assert due[CHAOYANG_CGW] == due[CHAOYANG_ENV]
    checkin_due = due[CHAOYANG_CGW]
    act(s.dept2, code, "check_in")  # 生态环境局 checks in at once; 城管委 never does

    assert sweep(session, ctx, now=checkin_due - timedelta(minutes=1)).late_checkins == 0
    late = sweep(session, ctx, now=checkin_due + timedelta(minutes=1))
    assert late.late_checkins == 1
    assert supervisions(session, code).count("overdue_checkin") == 1
    assert sweep(session, ctx, now=checkin_due + timedelta(minutes=2)).late_checkins == 0
    assert supervisions(session, code).count("overdue_checkin") == 1

    events = s.dispatcher.get(f"/api/cases/{code}").json()["events"]
    event = next(e for e in events if e["action"] == "sweep_overdue" and "checkin" in e["data"]["stages"])
    assert event["data"] == {"stages": ["checkin"], "units": [CHAOYANG_CGW]}
    assert event["note"] == "协办单位未按时报到：朝阳区城市管理委员会"
    note = session.execute(
        select(Supervision.note).where(Supervision.reason == "overdue_checkin")
    ).scalar_one()
    assert note is not None and "生态环境局" not in note

    act(s.dept, code, "check_in")
    assert sweep(session, ctx, now=checkin_due + timedelta(hours=2)).late_checkins == 0


def test_a_limited_run_defers_the_rest_to_the_next(app: Any, session: Session, ctx: CaseContext) -> None:
    s, first = handled_case(app, session)
    second = intake(s.operator)
    act(s.dispatcher, second, "dispatch", lead_unit=WANGJING)
    for code in (first, second):
        backdate(session, ctx, code, sh(9, 29, 10))
    moment = sh(10, 14, 10, 1)
    one = sweep(session, ctx, now=moment, limit=1)
    assert (one.examined, one.deferred, one.overdue) == (1, 1, 1)
    other = sweep(session, ctx, now=moment, limit=1)
    assert (other.examined, other.deferred, other.overdue) == (1, 0, 1)
    assert not sweep(session, ctx, now=moment, limit=1).changed
    assert supervisions(session, first) == ["overdue_feedback"]
    assert supervisions(session, second) == ["overdue_sign", "overdue_feedback"]


def test_the_sweep_never_writes_personal_data(app: Any, session: Session, ctx: CaseContext) -> None:
    _, code = handled_case(app, session)
    backdate(session, ctx, code, sh(9, 29, 10))
    sweep(session, ctx, now=sh(10, 11, 10))
    sweep(session, ctx, now=sh(10, 14, 10, 1))
    case = load(session, code)
    texts = [
        *session.execute(select(CaseEvent.note, CaseEvent.data).where(CaseEvent.actor == "sweep")),
        *session.execute(select(Supervision.note, Supervision.reason).where(Supervision.case_id == case.id)),
        *session.execute(
            select(AuditEntry.detail, AuditEntry.actor).where(AuditEntry.action == "case.sweep")
        ),
    ]
    blob = json.dumps([list(t) for t in texts], ensure_ascii=False)
    for secret in ("张三", "13812341234", "110105199001011234"):
        assert secret not in blob


# -- the server's periodic run ----------------------------------------------------------------------


async def _wait_for_log(caplog: pytest.LogCaptureFixture, text: str, times: int = 1) -> list[str]:
    """Wait (at most a minute, as a guard) until ``text`` was logged ``times`` times."""
    with anyio.fail_after(60):
        while True:
            found = [r.getMessage() for r in caplog.records if text in r.getMessage()]
            if len(found) >= times:
                return found
            await asyncio.sleep(0.01)


SWEEP_JOB = BY_NAME["deadline_sweep"]


def _job_names(tasks: list[asyncio.Task[None]]) -> list[str]:
    return [task.get_name() for task in tasks]


@pytest.mark.anyio
async def test_the_server_loop_is_off_when_the_interval_is_zero(settings: Settings, db: Database) -> None:
    tasks = start_inline_jobs(db, settings.model_copy(update={"sweep_interval_minutes": 0}))
    try:
        assert "zhili-job-deadline_sweep" not in _job_names(tasks)
    finally:
        await stop_inline_jobs(tasks)


@pytest.mark.anyio
async def test_the_server_loop_starts_and_stops_with_the_app(settings: Settings, db: Database) -> None:
    tasks = start_inline_jobs(db, settings)
    assert "zhili-job-deadline_sweep" in _job_names(tasks)
    await stop_inline_jobs(tasks)
    assert all(task.cancelled() for task in tasks)


@pytest.mark.anyio
async def test_a_server_on_the_queue_runs_no_periodic_job(settings: Settings, db: Database) -> None:
    """ZHILI_JOBS=queue: `zhili worker` runs the jobs; web workers only defer (the settings object is
    built directly here, as the PostgreSQL URL check needs a URL)."""
    on_queue = settings.model_copy(update={"jobs": "queue"})
    assert start_inline_jobs(db, on_queue) == []


@pytest.mark.anyio
async def test_the_server_loop_sweeps_in_a_worker_thread(
    app: Any, session: Session, ctx: CaseContext, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """The in-process runner (ZHILI_JOBS=inline, the default, on SQLite and PostgreSQL) runs the
    registry's sweep job."""
    _, code = handled_case(app, session, upto="dispatch")
    backdate(session, ctx, code, datetime.now(UTC) - timedelta(days=30))
    caplog.set_level(logging.INFO, logger="zhili.jobs")
    task = asyncio.create_task(run_every(SWEEP_JOB, db, app.state.settings, 0.01))
    try:
        [message, *_] = await _wait_for_log(caplog, "job deadline_sweep done")
    finally:
        await stop_inline_jobs([task])
    assert "'overdue': 1" in message and "'supervisions': 2" in message
    assert load(session, code).overdue
    assert supervisions(session, code) == ["overdue_sign", "overdue_feedback"]


@pytest.mark.anyio
async def test_the_server_loop_survives_a_failing_sweep(
    settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = Database(f"sqlite:///{tmp_path / 'missing' / 'zhili.sqlite3'}")
    task = asyncio.create_task(run_every(SWEEP_JOB, broken, settings, 0.01))
    try:
        failures = await _wait_for_log(caplog, "job deadline_sweep failed", times=2)
    finally:
        await stop_inline_jobs([task])
        broken.dispose()
    assert task.cancelled()  # it kept going until it was stopped
    assert failures[0].startswith("job deadline_sweep failed (OperationalError/OperationalError)")
    assert str(tmp_path) not in failures[0]  # error types only, never the statement or its data


# -- the CLI command, end to end on a SQLite file -------------------------------------------------

SECRET = "cli-sweep-secret-" + "x" * 32
# `zhili cases sweep` is wired in zhili.cli; here the command is mounted on a throwaway group.
CLI = (
    "import typer; from zhili.cases.sweep.cli import sweep_command; "
    "cases = typer.Typer(); cases.callback()(lambda: None); "
    "cases.command('sweep')(sweep_command); cases()"
)


def run_cli(args: list[str], data_dir: Path, expect: int = 0) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_SECRET_KEY": SECRET,
        "COLUMNS": "200",
    }
    environ.pop("ZHILI_DATABASE_URL", None)
    result = subprocess.run(args, capture_output=True, text=True, env=environ, timeout=300)
    assert result.returncode == expect, result.stderr + result.stdout
    return result


def test_the_sweep_command_on_a_database_file(tmp_path: Path) -> None:
    run_cli([sys.executable, "-m", "zhili.cli", "init"], tmp_path)
    settings = Settings(environment="test", data_dir=tmp_path, secret_key=SECRET)
    database = Database(settings.resolved_database_url)
    try:
        session = database.open_session()
        _, code = handled_case(create_app(settings, database=database), session, upto="dispatch")
        backdate(session, CaseContext.for_settings(settings), code, datetime.now(UTC) - timedelta(days=30))
        session.commit()
        session.close()
    finally:
        database.dispose()
    sweep_cli = [sys.executable, "-c", CLI, "sweep"]

    def counted() -> tuple[int, int]:
        with sqlite3.connect(tmp_path / "zhili.sqlite3") as conn:
            overdue = conn.execute("select count(*) from cases where overdue").fetchone()[0]
            opened = conn.execute("select count(*) from supervisions").fetchone()[0]
        return overdue, opened

    refused = run_cli([*sweep_cli, "--limit", "0"], tmp_path, expect=1)
    assert "错误：处理件数上限须为正整数，收到 0（--limit）" in refused.stderr
    assert counted() == (0, 0)
    dry = run_cli([*sweep_cli, "--dry-run"], tmp_path).stdout
    assert "新增超期 1 件" in dry and "新开督办 2 条" in dry and "试运行" in dry
    assert counted() == (0, 0)
    real = run_cli(sweep_cli, tmp_path).stdout
    assert "新增超期 1 件" in real and "新开督办 2 条" in real and "巡检完成" in real
    assert counted() == (1, 2)
    assert "没有需要标记的诉求" in run_cli([*sweep_cli, "--limit", "10"], tmp_path).stdout
    assert counted() == (1, 2)
