"""JSON routes of 申诉: units file them, dispatchers and supervisors decide them."""

from __future__ import annotations

from fastapi import APIRouter, Query

from zhili.assessment import appeals
from zhili.assessment.models import AppealStatus
from zhili.assessment.policy import AppealsUser
from zhili.assessment.schemas import AppealDecisionIn, AppealIn, AppealOut
from zhili.assessment.views import appeal_out
from zhili.deps import DbSession

router = APIRouter(prefix="/appeals")


@router.post("", response_model=AppealOut, status_code=201)
def file_appeal(body: AppealIn, actor: AppealsUser, session: DbSession) -> AppealOut:
    appeal = appeals.file_appeal(session, actor, body.case_code, body.reason, body.evidence)
    return appeal_out(appeal, body.case_code)


@router.get("", response_model=list[AppealOut])
def list_appeals(
    actor: AppealsUser,
    session: DbSession,
    status: AppealStatus | None = None,
    limit: int = Query(default=100, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
) -> list[AppealOut]:
    return [appeal_out(a, code) for a, code in appeals.list_appeals(session, actor, status, limit, offset)]


@router.get("/{appeal_id}", response_model=AppealOut)
def get_appeal(appeal_id: int, actor: AppealsUser, session: DbSession) -> AppealOut:
    return appeal_out(*appeals.get_appeal(session, actor, appeal_id))


@router.post("/{appeal_id}/decision", response_model=AppealOut)
def decide(appeal_id: int, body: AppealDecisionIn, actor: AppealsUser, session: DbSession) -> AppealOut:
    return appeal_out(*appeals.decide(session, actor, appeal_id, body.approve, body.note))
