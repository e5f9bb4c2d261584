"""An applicant's lookup by dispute code and the phone tail of the first party (the applicant),
counted against guessing as for 12345 demands and 信访件. The answer holds no personal data."""

from __future__ import annotations

import hmac

from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.tracking.service import clean_code, clean_tail
from zhili.errors import NotFound
from zhili.kernel.crypto import normalise_phone
from zhili.kernel.ratelimit import Limit, RateLimited, RateLimits
from zhili.mediation import repository as disputes
from zhili.mediation.models import Dispute
from zhili.mediation.schemas import ApplicationTrackOut
from zhili.mediation.states import KIND_LABELS, RULES, STATE_LABELS

NOT_FOUND = "未找到该调解申请，请核对编号和电话后四位"
# Wrong phone tails per dispute code within an hour, shared by every server.
WRONG_TAILS = Limit("dispute:wrong-tail", 10, 3600)


def track(
    session: Session, ctx: CaseContext, code: str, phone_tail: str | None, limits: RateLimits
) -> Dispute:
    tail = clean_tail(phone_tail)
    key = clean_code(code)
    wait = limits.retry_after(WRONG_TAILS, key)
    if wait is not None:
        raise RateLimited(wait, "该编号的查询错误次数过多")
    dispute = disputes.by_code(session, key) if key else None
    parties = disputes.parties_of(session, dispute.id) if dispute else []
    phone = ctx.cipher.decrypt(parties[0].phone_enc) if parties else None
    digits = normalise_phone(phone) if phone else ""
    expected = digits[-4:] if len(digits) >= 4 else "----"
    if dispute is None or not hmac.compare_digest(expected.encode(), tail.encode()):
        limits.add(WRONG_TAILS, key)
        raise NotFound(NOT_FOUND)
    return dispute


def tracked(session: Session, d: Dispute) -> ApplicationTrackOut:
    """What the applicant sees: the state and the steps by name, no notes (they may name people)."""
    return ApplicationTrackOut(
        code=d.code,
        kind_label=KIND_LABELS[d.kind],
        state_label=STATE_LABELS[d.state],
        committee=disputes.committee_name(session, d.committee_id),
        received_at=d.received_at,
        steps=[
            (s.at, RULES[s.action].label if s.action in RULES else "登记申请")
            for s in disputes.steps_of(session, d.id)
        ],
    )
