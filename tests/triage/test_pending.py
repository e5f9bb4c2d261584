"""Triage after the acknowledgement: the JSON intake answers once the case, its 受理 event, its audit
entry and its waiting mark are committed; triage follows the answer, and a drain run later (the
periodic ``intake_triage`` job) triages what a process that died left behind."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING, intake, staff
from zhili.audit.models import AuditEntry
from zhili.auth import service as auth_service
from zhili.auth.models import Role
from zhili.cases import flows
from zhili.cases.context import CaseContext
from zhili.cases.models import Case, CaseEvent
from zhili.cases.schemas import CaseIn
from zhili.db import Database
from zhili.jobs.registry import BY_NAME
from zhili.settings import Settings
from zhili.triage import classified, model_store, routing
from zhili.triage.models import Recommendation, TriagePending

UNPLACED = {k: v for k, v in CASE_BODY.items() if k not in ("lat", "lng", "address")}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _case(session: Session, code: str) -> Case:
    return session.execute(select(Case).where(Case.code == code)).scalar_one()


def _recommendation(session: Session, case: Case) -> Recommendation | None:
    session.expire_all()
    return session.execute(
        select(Recommendation).where(Recommendation.case_id == case.id)
    ).scalar_one_or_none()


def test_api_intake_is_triaged_after_its_answer(s: Any, session: Session) -> None:
    code = intake(s.operator)
    case = _case(session, code)
    rec = _recommendation(session, case)
    assert rec is not None  # drained after the 201 went out
    assert (rec.category_code, rec.lead_unit_code, rec.needs_review) == ("020201", WANGJING, False)
    assert session.scalar(select(func.count()).select_from(TriagePending)) == 0
    # What the answer promised was committed before it: the 受理 event and the audit entry.
    events = session.scalars(select(CaseEvent.action).where(CaseEvent.case_id == case.id)).all()
    assert events == ["intake"]
    audited = session.scalars(select(AuditEntry.action).where(AuditEntry.target_id == code)).all()
    assert audited == ["case.create"]
    # The dispatcher reads the same recommendation through the API as an inline triage would store.
    shown = s.dispatcher.get(f"/api/cases/{code}/recommendation").json()
    assert (shown["category"], shown["lead_unit"], shown["dispatch_mode"]) == ("020201", WANGJING, "street")


def test_a_repeat_found_after_the_answer_is_linked(s: Any, session: Session) -> None:
    first = intake(s.operator)
    second = intake(s.operator)  # the same citizen about the same matter
    rec = _recommendation(session, _case(session, second))
    assert rec is not None
    assert first in [d["code"] for d in json.loads(rec.duplicates)]


def test_a_waiting_case_survives_until_a_later_drain(
    db: Database, settings: Settings, session: Session
) -> None:
    """The process dies between the commit and the drain: the waiting mark is durable with the case,
    and the periodic job triages it."""
    user, _ = auth_service.create_user(
        session, username="pending_op", role=Role.operator, unit_code="C11", actor="test"
    )
    actor = auth_service.actor_for(session, user)
    body = CaseIn.model_validate(UNPLACED)
    with db.session() as tx:
        result = flows.take_demand(tx, CaseContext.for_settings(settings), actor, body, defer_triage=True)
        code = result.case.code
    assert result.triage_deferred
    case = _case(session, code)
    assert _recommendation(session, case) is None
    assert session.scalar(select(TriagePending.case_id)) == case.id

    job = BY_NAME["intake_triage"]
    assert job.period_seconds is not None and job.period_seconds(settings) > 0
    assert job.run(db, settings) == 1
    rec = _recommendation(session, case)
    assert rec is not None and rec.category_code == "020201"
    assert session.scalar(select(func.count()).select_from(TriagePending)) == 0
    assert job.run(db, settings) == 0  # triaged exactly once


def test_the_intake_page_classification_is_reused(settings: Settings, session: Session) -> None:
    """Same text, same models and taxonomy: the draft's classification is not computed again; any
    change of text is classified afresh."""
    root = model_store.models_root(settings.data_dir)
    models = model_store.active_model(root, "category"), model_store.active_model(root, "demand_type")
    snap = routing.snapshot_for(session)
    draft = classified.classify(snap, *models, f"{CASE_BODY['title']}\n{CASE_BODY['description']}")
    submitted = classified.classify(snap, *models, f"{CASE_BODY['title']} {CASE_BODY['description']}")
    assert submitted is draft
    changed = classified.classify(snap, *models, f"{CASE_BODY['title']} {CASE_BODY['description']}。")
    assert changed is not draft
    assert changed.categories[0][1] == draft.categories[0][1] == "020201"
