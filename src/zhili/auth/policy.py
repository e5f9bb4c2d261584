"""Who may do what with accounts, and the permissions every domain starts from.

Role groups that several domains share live here; a domain's own ``policy.py`` names the rest.
Admins are system operators: they pass the checks of administration and reading, not those of
operational work (taking calls, dispatching, handling), which belong to the roles that do it.
"""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor

# Every role that works inside a unit, plus admins. Citizens and API clients (apps) are not staff.
STAFF_ROLES = frozenset(
    {
        Role.operator,
        Role.dispatcher,
        Role.unit_staff,
        Role.grid_worker,
        Role.community_worker,
        Role.petition_officer,
        Role.supervisor,
        Role.admin,
    }
)
# The 12345 centre: operators take calls and do the 回访; dispatchers dispatch and supervise.
CENTRE_ROLES = frozenset({Role.operator, Role.dispatcher})
# Leadership that supervises and decides: dispatchers (督办) and supervisors, with admins.
LEADER_ROLES = frozenset({Role.dispatcher, Role.supervisor, Role.admin})
# Accounts that need no unit: the system's admins, citizens, and apps calling the API.
UNITLESS_ROLES = frozenset({Role.admin, Role.citizen, Role.api_client})
# Roles an admin may give an account (a citizen account is made by the portal, not by hand).
ASSIGNABLE_ROLES = frozenset(Role) - {Role.citizen}
# The role of work done by zhili itself (the sweep, imports, the command line).
SYSTEM_ROLE = Role.admin


@permission("公开访问", public=True)
def anyone(actor: Actor) -> bool:
    """Public: no sign-in needed (citizens, Open311 readers, health checks)."""
    return True


@permission("读取运行指标（监控系统）", public=True)
def can_scrape_metrics(actor: Actor) -> bool:
    """Prometheus and the like: let in by address or bearer token (ZHILI_METRICS_*), not by account."""
    return True


@permission("登录", before_password_change=True)
def is_signed_in(actor: Actor) -> bool:
    """Any signed-in account, even one that must still change its one-time password."""
    return True


@permission("工作人员访问")
def is_staff(actor: Actor) -> bool:
    """Staff of a unit, or an admin; not a citizen, not an app's API key."""
    return actor.role in STAFF_ROLES


@permission("管理账号与密钥")
def can_manage_accounts(actor: Actor) -> bool:
    return actor.role == Role.admin


def needs_unit(role: Role) -> bool:
    return role not in UNITLESS_ROLES


SignedIn = Annotated[Actor, is_signed_in.depends]
Staff = Annotated[Actor, is_staff.depends]
AccountAdmin = Annotated[Actor, can_manage_accounts.depends]
Anyone = Annotated[Actor, anyone.depends]
