"""The handling unit reaches the citizen: one click reveals the phone of a case the unit works on,
and every reveal is an audit entry (who, when, which case). A 保密 case is never revealed: the unit
calls through the hotline (转接). Lists stay masked; only this one action shows the number."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases import repository
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.policy import may_reveal_phone_of
from zhili.errors import Forbidden, NotFound

CONFIDENTIAL_MESSAGE = "保密诉求不公开市民电话，请通过热线转接"
AUDIT_ACTION = "case.reveal_phone"


def may_reveal(session: Session, actor: Actor, case: Case) -> bool:
    """Whether the case page offers the reveal button to this actor."""
    return may_reveal_phone_of(actor, case, repository.is_co_unit(session, actor, case))


def reveal_phone(
    session: Session, ctx: CaseContext, actor: Actor, code: str, client_ip: str | None = None
) -> str:
    case = repository.get_readable(session, actor, code)
    if not may_reveal(session, actor, case):
        raise Forbidden("只有正在承办本诉求的单位可以查看市民电话")
    if case.confidential:
        raise Forbidden(CONFIDENTIAL_MESSAGE)
    phone = ctx.cipher.decrypt(case.citizen_phone_enc)
    if not phone:
        raise NotFound("市民未留电话")
    audit.record(
        session,
        actor=actor.username,
        action=AUDIT_ACTION,
        target_type="case",
        target_id=case.code,
        client_ip=client_ip,
        detail={"unit_id": actor.unit_id, "state": case.state.value},
    )
    return phone
