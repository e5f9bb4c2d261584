"""Who may read and record the resident population (常住人口) of divisions. The divisions
themselves, their outlines and location resolution are public."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import STAFF_ROLES
from zhili.auth.scope import Actor


@permission("查看常住人口")
def can_read_population(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


@permission("维护常住人口")
def can_record_population(actor: Actor) -> bool:
    return actor.role == Role.admin


PopulationReader = Annotated[Actor, can_read_population.depends]
PopulationEditor = Annotated[Actor, can_record_population.depends]


@permission("按名称选择区划")
def can_pick_places(actor: Actor) -> bool:
    """Staff pick 区、街乡、社区 by name in forms (the divisions themselves are public data)."""
    return actor.role in STAFF_ROLES


PlaceReader = Annotated[Actor, can_pick_places.depends]
