"""A suggester's lookup by 建议 code and phone tail, counted against guessing as for cases and 信访."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.tracking.guard import guarded_lookup
from zhili.kernel.ratelimit import Limit, RateLimits
from zhili.suggestions import repository as suggestions
from zhili.suggestions.models import Suggestion
from zhili.suggestions.privacy import phone_of

NOT_FOUND = "未找到该建议，请核对建议编号和电话后四位"
# Wrong phone tails per 建议 code within an hour, shared by the API and the portal.
WRONG_TAILS = Limit("suggestion:wrong-tail", 10, 3600)


def track(
    session: Session, ctx: CaseContext, code: str, phone_tail: str | None, limits: RateLimits
) -> Suggestion:
    return guarded_lookup(
        code,
        phone_tail,
        limits,
        WRONG_TAILS,
        lambda key: suggestions.by_code(session, key),
        lambda suggestion: phone_of(suggestion, ctx.cipher),
        NOT_FOUND,
        "该建议编号的查询错误次数过多",
    )
