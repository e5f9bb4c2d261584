"""An applicant's lookup by dispute code and the phone tail of the first party (the applicant),
counted against guessing as for 12345 demands and 信访件. The answer holds no personal data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.tracking.guard import guarded_lookup
from zhili.kernel.ratelimit import Limit, RateLimits
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
    def applicant_phone(dispute: Dispute) -> str | None:
        parties = disputes.parties_of(session, dispute.id)
        return ctx.cipher.decrypt(parties[0].phone_enc) if parties else None

    return guarded_lookup(
        code,
        phone_tail,
        limits,
        WRONG_TAILS,
        lambda key: disputes.by_code(session, key),
        applicant_phone,
        NOT_FOUND,
        "该编号的查询错误次数过多",
    )


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
