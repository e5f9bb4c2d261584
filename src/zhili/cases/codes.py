"""Public tracking codes: city prefix + local date + a daily sequence, e.g. BJ20261125000123."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhili.cases.models import TrackingCounter

SEQUENCE_DIGITS = 6


# Built once: every intake bumps the counter.
_BUMP = (
    update(TrackingCounter)
    .where(TrackingCounter.day == bindparam("bump_day"))
    .values(last=TrackingCounter.last + bindparam("bump_count"))
    .returning(TrackingCounter.last)
)


def _bump(session: Session, day: str, count: int) -> int | None:
    """Move the day's counter on by ``count`` in one statement (the row stays locked until commit).

    A Core statement on the session's connection: SQLAlchemy's ORM DML path costs more than the update.
    """
    last = session.connection().execute(_BUMP, {"bump_day": day, "bump_count": count}).scalar_one_or_none()
    return None if last is None else int(last)


def next_codes(session: Session, prefix: str, local_day: datetime, count: int = 1) -> list[str]:
    """Reserve ``count`` codes for a day. The counter row is locked, so concurrent intakes never clash."""
    day = local_day.strftime("%Y%m%d")
    last = _bump(session, day, count)
    if last is None:
        try:
            with session.begin_nested():  # the day's first code: another intake may be creating it too
                session.execute(insert(TrackingCounter).values(day=day, last=count))
            last = count
        except IntegrityError:
            last = _bump(session, day, count)
            if last is None:  # pragma: no cover - the row that made the insert fail is there
                raise
    if last >= 10**SEQUENCE_DIGITS * 10:
        raise OverflowError("tracking-code sequence exhausted for the day")
    width = max(SEQUENCE_DIGITS, len(str(last)))
    return [f"{prefix}{day}{n:0{width}d}" for n in range(last - count + 1, last + 1)]
