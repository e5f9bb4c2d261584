"""Who may read the 民生诉求数据库, query it in SQL, and turn its findings into work.

Every view is also narrowed to the actor's jurisdiction (``filters.Reach``); these permissions
decide only who may ask at all.
"""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import LEADER_ROLES
from zhili.auth.scope import Actor

ANALYST_ROLES = frozenset(
    {
        Role.operator,
        Role.dispatcher,
        Role.supervisor,
        Role.unit_staff,
        Role.community_worker,
        Role.grid_worker,
        Role.admin,
    }
)
# Who works the proactive tasks (每月一题 and 未诉先办): the centre, leaders, units and grid workers.
TASK_ROLES = frozenset(
    {Role.operator, Role.dispatcher, Role.supervisor, Role.unit_staff, Role.grid_worker, Role.admin}
)
# A scope of a province or city code (two or four digits) sees the whole city.
CITY_CODE_LENGTH = 4


@permission("查看民生诉求分析")
def can_read_analytics(actor: Actor) -> bool:
    return actor.role in ANALYST_ROLES


@permission("使用全市范围的 SQL 控制台")
def can_use_sql_console(actor: Actor) -> bool:
    """Analysts whose jurisdiction is the whole city: the console reads every row of the store."""
    city_wide = actor.scope.everything or any(len(c) <= CITY_CODE_LENGTH for c in actor.scope.division_codes)
    return actor.role in ANALYST_ROLES and city_wide


@permission("查看每月一题与主动治理任务")
def can_read_tasks(actor: Actor) -> bool:
    return actor.role in TASK_ROLES


@permission("选定每月一题、生成主动治理任务")
def can_assign_tasks(actor: Actor) -> bool:
    """Leaders turn a ranking or a warning into tasks for units."""
    return actor.role in LEADER_ROLES


def oversees_tasks(actor: Actor) -> bool:
    """Leaders see and close every task of their reach; a unit only its own."""
    return actor.role in LEADER_ROLES


AnalystActor = Annotated[Actor, can_read_analytics.depends]
ConsoleUser = Annotated[Actor, can_use_sql_console.depends]
TaskReader = Annotated[Actor, can_read_tasks.depends]
TaskAssigner = Annotated[Actor, can_assign_tasks.depends]
