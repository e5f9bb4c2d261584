"""Who may read and edit the routing rules (分流规则). Acting on a case's recommendation is
dispatching (``cases.policy.can_dispatch``); reading it is reading the case."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor


@permission("查看分流规则")
def can_read_routing_rules(actor: Actor) -> bool:
    return actor.role in {Role.dispatcher, Role.admin}


@permission("维护分流规则")
def can_edit_routing_rules(actor: Actor) -> bool:
    return actor.role == Role.admin


RulesReader = Annotated[Actor, can_read_routing_rules.depends]
RulesEditor = Annotated[Actor, can_edit_routing_rules.depends]
