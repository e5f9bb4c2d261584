"""Public tracking codes: city prefix + local date + a daily sequence, e.g. BJ20261125000123."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.requests.models import TrackingCounter

SEQUENCE_DIGITS = 6


def next_codes(session: Session, prefix: str, local_day: datetime, count: int = 1) -> list[str]:
    """Reserve ``count`` codes for a day. The counter row is locked, so concurrent intakes never clash."""
    day = local_day.strftime("%Y%m%d")
    counter = session.execute(
        select(TrackingCounter).where(TrackingCounter.day == day).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        counter = TrackingCounter(day=day, last=0)
        session.add(counter)
    first = counter.last + 1
    counter.last += count
    if counter.last >= 10**SEQUENCE_DIGITS * 10:
        raise OverflowError("tracking-code sequence exhausted for the day")
    session.flush()
    width = max(SEQUENCE_DIGITS, len(str(counter.last)))
    return [f"{prefix}{day}{n:0{width}d}" for n in range(first, counter.last + 1)]
