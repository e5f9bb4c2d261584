"""Time in one place: aware UTC for storage, the city's zone for display."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_zone(name: str) -> ZoneInfo:
    """The city's zone: always ``settings.timezone`` (ZHILI_TIMEZONE), never a default."""
    return ZoneInfo(name)


def local_today(zone_name: str) -> date:
    return utcnow().astimezone(ZoneInfo(zone_name)).date()


def as_aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; everything zhili stores is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
