"""Who may read and edit the routing rules (分流规则), read the override report and set auto-dispatch.
Acting on a case's recommendation is dispatching (``cases.policy.can_dispatch``); reading it is
reading the case. Auto-dispatch acts as a dispatcher of the whole city that is zhili itself."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import EVERYTHING, Actor

# Dispatchers (and their leads), the analysts and leaders who correct rules and models, and admins.
REPORT_ROLES = frozenset({Role.dispatcher, Role.supervisor, Role.admin})


@permission("查看分流规则")
def can_read_routing_rules(actor: Actor) -> bool:
    return actor.role in {Role.dispatcher, Role.admin}


@permission("维护分流规则")
def can_edit_routing_rules(actor: Actor) -> bool:
    return actor.role == Role.admin


@permission("查看改派率报告")
def can_read_override_report(actor: Actor) -> bool:
    return actor.role in REPORT_ROLES


@permission("设置自动派单")
def can_set_auto_dispatch(actor: Actor) -> bool:
    return actor.role == Role.admin


def auto_dispatcher(name: str) -> Actor:
    """The actor of an automatic dispatch: a dispatcher without a unit, reading the whole city."""
    return Actor(user_id=None, username=name, role=Role.dispatcher, unit_id=None, scope=EVERYTHING)


RulesReader = Annotated[Actor, can_read_routing_rules.depends]
RulesEditor = Annotated[Actor, can_edit_routing_rules.depends]
ReportReader = Annotated[Actor, can_read_override_report.depends]
AutoDispatchAdmin = Annotated[Actor, can_set_auto_dispatch.depends]
