"""Who may read the unit directory and who keeps it."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import STAFF_ROLES
from zhili.auth.scope import Actor


@permission("查看单位名录")
def can_read_units(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


@permission("维护单位名录")
def can_edit_units(actor: Actor) -> bool:
    return actor.role == Role.admin


UnitReader = Annotated[Actor, can_read_units.depends]
UnitEditor = Annotated[Actor, can_edit_units.depends]
