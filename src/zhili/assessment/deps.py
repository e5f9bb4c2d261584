"""What the assessment routes share besides permissions (see ``policy.py``): settings and the zone."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

from zhili.deps import get_settings_dep
from zhili.settings import Settings

SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)
