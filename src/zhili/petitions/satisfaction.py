"""群众满意度 on a 答复: recorded once per matter, after the 答复意见书 — by the 信访 office after a
回访 (staff entry), or by the petitioner on the portal's tracking page (code + phone tail).

It feeds the 群众满意率 of ``figures``. It is about the matter's answer, never about a person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.states import Satisfaction
from zhili.errors import Conflict, Forbidden, ValidationFailed
from zhili.kernel.clock import as_aware
from zhili.kernel.ratelimit import RateLimits
from zhili.petitions import repository as petitions
from zhili.petitions import tracking
from zhili.petitions.models import PetitionMatter
from zhili.petitions.policy import can_record_satisfaction
from zhili.petitions.schemas import PortalSatisfactionIn, SatisfactionIn
from zhili.petitions.service import FUTURE_SLACK, is_office_of, local, record_step


def _rate(
    session: Session, matter: PetitionMatter, value: Satisfaction, at: datetime, by: str, via: str
) -> PetitionMatter:
    if matter.replied_at is None:
        raise Conflict("尚未出具答复意见书，不能评价满意度")
    if matter.satisfaction is not None:
        raise Conflict("该事项的满意度已记录，不能重复评价")
    if at < as_aware(matter.replied_at):
        raise ValidationFailed("回访时间不能早于答复时间", field="at")
    matter.satisfaction = value.value
    matter.satisfaction_at = at
    matter.satisfaction_via = via
    note = "信访人在网上评价" if via == "portal" else "回访后登记"
    record_step(session, matter, "rate", by, at, from_state=matter.state, note=note)
    audit.record(
        session,
        actor=by,
        action="petitions.rate",
        target_type="petition_matter",
        target_id=matter.code,
        detail={"via": via},
    )
    return matter


def record(
    session: Session, ctx: CaseContext, actor: Actor, code: str, body: SatisfactionIn
) -> PetitionMatter:
    """The office records the petitioner's answer after a 回访."""
    can_record_satisfaction.require(actor)
    matter = petitions.get_readable(session, actor, code, for_update=True)
    if not is_office_of(actor, matter):
        raise Forbidden("只有事项所在地的信访办公室可以登记回访满意度")
    now = ctx.now()
    at = local(body.at, ctx) if body.at else now
    if at > now + FUTURE_SLACK:
        raise ValidationFailed("回访时间不能晚于现在", field="at")
    return _rate(session, matter, body.satisfaction, at, actor.username, "staff")


def record_by_petitioner(
    session: Session, ctx: CaseContext, body: PortalSatisfactionIn, limits: RateLimits
) -> PetitionMatter:
    """The petitioner rates the answer, proving the petition as the tracking page does."""
    _petition, matter = tracking.track(session, ctx, body.code, body.phone_tail, limits)
    return _rate(session, matter, body.satisfaction, ctx.now(), "petitioner", "portal")
