"""Who may read community data (一库两平台) and who keeps it: base data, residents, social
organisations, the 议事厅 and volunteers. Writes also stay inside the actor's jurisdiction."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor

# The people who work in communities keep their data: community and street staff and grid workers.
KEEPERS = frozenset({Role.community_worker, Role.unit_staff, Role.grid_worker, Role.admin})
# Leaders read it too (the plan's indicators are computed from it).
READERS = KEEPERS | {Role.supervisor}


@permission("查看社区数据")
def can_read_community(actor: Actor) -> bool:
    return actor.role in READERS


@permission("维护社区数据")
def can_keep_community(actor: Actor) -> bool:
    """Profiles, residents, organisations, the 议事厅 and volunteers, within the actor's jurisdiction."""
    return actor.role in KEEPERS


CommunityReader = Annotated[Actor, can_read_community.depends]
CommunityKeeper = Annotated[Actor, can_keep_community.depends]
