"""Who may read the plan indicators and who may enter values or recompute them."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import STAFF_ROLES
from zhili.auth.scope import Actor


@permission("查看规划指标")
def can_read_plan(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


@permission("录入与重算规划指标")
def can_edit_plan(actor: Actor) -> bool:
    return actor.role in {Role.supervisor, Role.admin}


PlanReader = Annotated[Actor, can_read_plan.depends]
PlanEditor = Annotated[Actor, can_edit_plan.depends]
