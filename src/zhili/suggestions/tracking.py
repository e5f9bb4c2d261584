"""A suggester's lookup by 建议 code and phone tail, counted against guessing as for cases and 信访."""

from __future__ import annotations

import hmac

from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.tracking.service import clean_code, clean_tail
from zhili.errors import NotFound
from zhili.kernel.crypto import normalise_phone
from zhili.kernel.ratelimit import Limit, RateLimited, RateLimits
from zhili.suggestions import repository as suggestions
from zhili.suggestions.models import Suggestion
from zhili.suggestions.privacy import phone_of

NOT_FOUND = "未找到该建议，请核对建议编号和电话后四位"
# Wrong phone tails per 建议 code within an hour, shared by the API and the portal.
WRONG_TAILS = Limit("suggestion:wrong-tail", 10, 3600)


def track(
    session: Session, ctx: CaseContext, code: str, phone_tail: str | None, limits: RateLimits
) -> Suggestion:
    tail = clean_tail(phone_tail)
    key = clean_code(code)
    wait = limits.retry_after(WRONG_TAILS, key)
    if wait is not None:
        raise RateLimited(wait, "该建议编号的查询错误次数过多")
    suggestion = suggestions.by_code(session, key) if key else None
    phone = phone_of(suggestion, ctx.cipher) if suggestion else None
    digits = normalise_phone(phone) if phone else ""
    expected = digits[-4:] if len(digits) >= 4 else "----"
    if suggestion is None or not hmac.compare_digest(expected.encode(), tail.encode()):
        limits.add(WRONG_TAILS, key)
        raise NotFound(NOT_FOUND)
    return suggestion
