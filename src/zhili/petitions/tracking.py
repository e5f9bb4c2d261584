"""A petitioner's lookup by 信访件 code and phone tail, counted against guessing as for cases."""

from __future__ import annotations

import hmac

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.tracking.service import clean_code, clean_tail
from zhili.errors import NotFound
from zhili.kernel.crypto import normalise_phone
from zhili.kernel.ratelimit import Limit, RateLimited, RateLimits
from zhili.petitions.models import Petition, PetitionMatter
from zhili.petitions.privacy import phone_of

NOT_FOUND = "未找到该信访件，请核对信访件编号和电话后四位"
# Wrong phone tails per 信访件 code within an hour, shared by the API and the portal (and every server).
WRONG_TAILS = Limit("petition:wrong-tail", 10, 3600)


def track(
    session: Session, ctx: CaseContext, code: str, phone_tail: str | None, limits: RateLimits
) -> tuple[Petition, PetitionMatter]:
    tail = clean_tail(phone_tail)
    key = clean_code(code)
    wait = limits.retry_after(WRONG_TAILS, key)
    if wait is not None:
        raise RateLimited(wait, "该信访件编号的查询错误次数过多")
    petition = (
        session.execute(select(Petition).where(Petition.code == key)).scalar_one_or_none() if key else None
    )
    phone = phone_of(petition, ctx.cipher) if petition else None
    digits = normalise_phone(phone) if phone else ""
    expected = digits[-4:] if len(digits) >= 4 else "----"
    if petition is None or not hmac.compare_digest(expected.encode(), tail.encode()):
        limits.add(WRONG_TAILS, key)
        raise NotFound(NOT_FOUND)
    matter = session.get(PetitionMatter, petition.matter_id)
    assert matter is not None
    return petition, matter
