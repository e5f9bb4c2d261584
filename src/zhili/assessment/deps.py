"""Who may read and who may change assessment data."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

from zhili.auth.models import Role
from zhili.auth.scope import Actor
from zhili.deps import get_settings_dep, require_roles
from zhili.settings import Settings

# Every staff role reads league tables; citizens do not.
ReaderActor = Annotated[
    Actor,
    Depends(
        require_roles(
            Role.operator,
            Role.dispatcher,
            Role.unit_staff,
            Role.grid_worker,
            Role.community_worker,
            Role.supervisor,
            Role.api_client,
        )
    ),
]
# Publishing a ranking is the supervisors' (and admins') call.
PublisherActor = Annotated[Actor, Depends(require_roles(Role.supervisor))]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings.timezone)
