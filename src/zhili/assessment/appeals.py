"""申诉: a unit claims a case was unreasonable; a dispatcher or supervisor approves (核减) or rejects it.

A unit may appeal a case it leads or was called in to (吹哨报到), once per case. Approved, the case is
excluded from that unit's rates in every later computation; published runs stay as they were until
the period is recomputed. Every step is audited (no personal data in the audit detail).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from zhili.assessment.models import Appeal, AppealStatus
from zhili.assessment.policy import can_decide_appeal, can_file_appeal, can_use_appeals, sees_own_appeals_only
from zhili.audit.service import record
from zhili.auth.scope import Actor
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.repository import get_readable, readable_cases
from zhili.cases.states import AssignmentRole
from zhili.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhili.kernel.clock import utcnow


def _involved(session: Session, case: Case, unit_id: int) -> bool:
    if case.lead_unit_id == unit_id:
        return True
    return bool(
        session.execute(
            select(
                exists().where(
                    CaseAssignment.case_id == case.id,
                    CaseAssignment.unit_id == unit_id,
                    CaseAssignment.role == AssignmentRole.co,
                )
            )
        ).scalar()
    )


def file_appeal(session: Session, actor: Actor, case_code: str, reason: str, evidence: str) -> Appeal:
    if not can_file_appeal(actor) or actor.unit_id is None:
        raise Forbidden("只有承办单位可以提出申诉")
    if not reason.strip():
        raise ValidationFailed("请填写申诉理由", field="reason")
    if not evidence.strip():
        raise ValidationFailed("请提供申诉依据（证明材料说明）", field="evidence")
    case = get_readable(session, actor, case_code)
    if not _involved(session, case, actor.unit_id):
        raise Forbidden("只能对本单位主办或协办的诉求提出申诉")
    taken = session.execute(
        select(Appeal.id).where(Appeal.case_id == case.id, Appeal.unit_id == actor.unit_id)
    ).first()
    if taken:
        raise Conflict("本单位已对该诉求提出过申诉", field="case")
    appeal = Appeal(
        case_id=case.id,
        unit_id=actor.unit_id,
        status=AppealStatus.pending,
        reason=reason.strip(),
        evidence=evidence.strip(),
        created_by=actor.username,
        created_at=utcnow(),
    )
    session.add(appeal)
    session.flush()
    record(
        session,
        actor=actor.username,
        action="assessment.appeal",
        target_type="assessment_appeal",
        target_id=appeal.id,
        detail={"case": case.code, "unit_id": actor.unit_id},
    )
    return appeal


def readable_appeals(actor: Actor) -> Select[Appeal, str]:
    """Appeals on cases the actor may read; a unit sees only its own."""
    cases = readable_cases(actor).with_only_columns(Case.id)
    query = select(Appeal, Case.code).join(Case, Case.id == Appeal.case_id).where(Appeal.case_id.in_(cases))
    if sees_own_appeals_only(actor):
        query = query.where(Appeal.unit_id == actor.unit_id)
    return query


def list_appeals(
    session: Session, actor: Actor, status: AppealStatus | None = None, limit: int = 100, offset: int = 0
) -> Sequence[tuple[Appeal, str]]:
    can_use_appeals.require(actor)
    query = readable_appeals(actor)
    if status:
        query = query.where(Appeal.status == status)
    rows = session.execute(query.order_by(Appeal.id.desc()).limit(limit).offset(offset)).all()
    return [(appeal, code) for appeal, code in rows]


def get_appeal(session: Session, actor: Actor, appeal_id: int) -> tuple[Appeal, str]:
    row = session.execute(readable_appeals(actor).where(Appeal.id == appeal_id)).first()
    if row is None:
        raise NotFound("申诉不存在或不在您的辖区内")
    return row[0], row[1]


def decide(
    session: Session, actor: Actor, appeal_id: int, approve: bool, note: str | None
) -> tuple[Appeal, str]:
    if not can_decide_appeal(actor):
        raise Forbidden("只有派单员或督办/领导可以审核申诉")
    appeal, code = get_appeal(session, actor, appeal_id)
    if appeal.status != AppealStatus.pending:
        raise Conflict("该申诉已审核，不能重复审核")
    if not approve and not (note or "").strip():
        raise ValidationFailed("驳回申诉须填写理由", field="note")
    appeal.status = AppealStatus.approved if approve else AppealStatus.rejected
    appeal.decided_by = actor.username
    appeal.decided_at = utcnow()
    appeal.decision_note = (note or "").strip() or None
    session.flush()
    record(
        session,
        actor=actor.username,
        action="assessment.appeal_approved" if approve else "assessment.appeal_rejected",
        target_type="assessment_appeal",
        target_id=appeal.id,
        detail={"case": code, "unit_id": appeal.unit_id, "note": appeal.decision_note},
    )
    return appeal, code
