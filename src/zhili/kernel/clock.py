"""Time in one place: aware UTC for storage, the city's zone for display."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone(name: str = "Asia/Shanghai") -> ZoneInfo:
    return ZoneInfo(name)


def as_aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything zhili stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
