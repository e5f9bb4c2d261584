"""A petitioner's lookup by 信访件 code and phone tail, counted against guessing as for cases."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.tracking.guard import guarded_lookup
from zhili.kernel.ratelimit import Limit, RateLimits
from zhili.petitions.models import Petition, PetitionMatter
from zhili.petitions.privacy import phone_of

NOT_FOUND = "未找到该信访件，请核对信访件编号和电话后四位"
# Wrong phone tails per 信访件 code within an hour, shared by the API and the portal (and every server).
WRONG_TAILS = Limit("petition:wrong-tail", 10, 3600)


def track(
    session: Session, ctx: CaseContext, code: str, phone_tail: str | None, limits: RateLimits
) -> tuple[Petition, PetitionMatter]:
    petition = guarded_lookup(
        code,
        phone_tail,
        limits,
        WRONG_TAILS,
        lambda key: session.execute(select(Petition).where(Petition.code == key)).scalar_one_or_none(),
        lambda found: phone_of(found, ctx.cipher),
        NOT_FOUND,
        "该信访件编号的查询错误次数过多",
    )
    matter = session.get(PetitionMatter, petition.matter_id)
    assert matter is not None
    return petition, matter
