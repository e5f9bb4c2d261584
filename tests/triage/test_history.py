"""Suggestions for history: ``zhili triage backfill`` compares what triage would have suggested from
the text with how a case without a suggestion was dispatched (the demo year runs it, so that the
override report has figures), and ``zhili triage overrides`` prints the report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from support.cases import CHAOYANG_CGW, act, intake, staff
from zhili import migrate
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.db import Database
from zhili.settings import Settings
from zhili.triage.history import backfill
from zhili.triage.models import Recommendation, TriageDecision, TriageOverride


def run(args: list[str], data_dir: Path, database_url: str) -> subprocess.CompletedProcess[str]:
    environ = {
        **os.environ,
        "ZHILI_DATA_DIR": str(data_dir),
        "ZHILI_ENVIRONMENT": "test",
        "ZHILI_DATABASE_URL": database_url,
        "COLUMNS": "200",
    }
    command = [sys.executable, "-m", "zhili.triage.cli", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=300)


def test_backfill_compares_history_once_and_the_report_counts_it(
    app: Any, session: Session, settings: Settings
) -> None:
    s = staff(app, session)
    code = intake(
        s.operator, category=None, title="路灯不亮", description="小区门口的路灯坏了，晚上照明很差。"
    )
    case = session.scalars(select(Case).where(Case.code == code)).one()
    session.execute(delete(Recommendation).where(Recommendation.case_id == case.id))  # as if imported
    act(s.dispatcher, code, "dispatch", lead_unit=CHAOYANG_CGW, category="010402")
    assert session.scalars(select(TriageDecision)).all() == []

    ctx = CaseContext.for_settings(settings)
    session.expire_all()  # the API dispatched it in its own session
    assert backfill(session, ctx) == (1, 1)  # suggested the street; dispatched to the 城管委
    decision = session.scalars(select(TriageDecision)).one()
    session.refresh(case)
    assert (decision.source, decision.outcome, decision.decided_at) == (
        "history",
        "overridden",
        case.dispatched_at,
    )
    assert (decision.suggested_category, decision.category_code) == ("010402", "010402")
    assert session.scalars(select(TriageOverride)).all() == []  # not a dispatcher's correction
    assert backfill(session, ctx) == (0, 0)
    report = s.dispatcher.get("/api/triage/overrides/report").json()
    assert (report["decisions"], report["overrides"]) == (1, 1)


def test_the_override_report_on_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'report.sqlite3'}"
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
    finally:
        db.dispose()
    result = run(["overrides", "--since", "2025-01-01"], tmp_path, url)
    assert result.returncode == 0, result.stderr
    assert "派单决定 0 件" in result.stdout and "改派率" in result.stdout
    refused = run(["overrides", "--since", "昨天"], tmp_path, url)
    assert refused.returncode != 0 and "日期格式" in refused.stdout + refused.stderr
