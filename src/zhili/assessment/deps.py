"""What the assessment routes share besides permissions (see ``policy.py``): settings and the zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from zhili.deps import SettingsDep
from zhili.settings import Settings

__all__ = ["SettingsDep", "zone"]


def zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)
