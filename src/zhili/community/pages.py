"""What every community page shares (议事厅, profiles, volunteers): who may open them, and the names
of the divisions they show."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from zhili.auth.models import Role
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.web.context import WebUser, require_web_roles

COMMUNITY_PAGE_ROLES = (Role.community_worker, Role.unit_staff, Role.grid_worker, Role.supervisor)
CommunityUser = Annotated[WebUser, Depends(require_web_roles(*COMMUNITY_PAGE_ROLES))]


def division_names(session: DbSession, codes: set[str]) -> dict[str, str]:
    names = {}
    for code in codes:
        division = divisions.get(session, code)
        names[code] = division.name if division else code
    return names
