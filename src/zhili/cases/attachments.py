"""Photos attached to a case: the files in the shared store, the rows that say whose they are."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.models import Attachment, Case
from zhili.storage.images import Photo
from zhili.storage.service import store_for, stored


def store_photos(
    session: Session, ctx: CaseContext, case: Case, photos: Sequence[Photo], uploaded_by: str
) -> None:
    store = store_for(ctx.settings)
    for photo in photos:
        session.add(Attachment(case_id=case.id, **stored(store, photo, uploaded_by, ctx.now())))
    session.flush()


def attachments_of(session: Session, case_id: int) -> list[Attachment]:
    return list(
        session.execute(
            select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        ).scalars()
    )
