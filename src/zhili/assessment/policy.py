"""Who may read the 三率 league tables, publish them, change the rules, and file or decide 申诉."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import LEADER_ROLES, STAFF_ROLES
from zhili.auth.scope import Actor

APPEAL_FILERS = frozenset({Role.unit_staff})


@permission("查看考核排名")
def can_read_assessment(actor: Actor) -> bool:
    """League tables, trends and drill-down are open to all staff (drill-down is scoped)."""
    return actor.role in STAFF_ROLES


@permission("发布考核排名")
def can_publish_league_table(actor: Actor) -> bool:
    return actor.role in {Role.supervisor, Role.admin}


@permission("修改考核规则")
def can_edit_rules(actor: Actor) -> bool:
    return actor.role == Role.admin


@permission("申诉")
def can_use_appeals(actor: Actor) -> bool:
    """Units file appeals; leaders decide them. Both read the appeals of their reach."""
    return actor.role in APPEAL_FILERS or actor.role in LEADER_ROLES


def can_file_appeal(actor: Actor) -> bool:
    return actor.role in APPEAL_FILERS and actor.unit_id is not None


def can_decide_appeal(actor: Actor) -> bool:
    return actor.role in LEADER_ROLES


def sees_own_appeals_only(actor: Actor) -> bool:
    return actor.role in APPEAL_FILERS


AssessmentReader = Annotated[Actor, can_read_assessment.depends]
Publisher = Annotated[Actor, can_publish_league_table.depends]
RulesEditor = Annotated[Actor, can_edit_rules.depends]
AppealsUser = Annotated[Actor, can_use_appeals.depends]
