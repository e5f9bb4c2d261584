"""Who may do what with cases (诉求): take them in, read them, work them, see the citizen's contact.

Each lifecycle action names the roles it allows (``lifecycle.transitions.RULES`` is built from the
role groups below); beyond the role, the lead unit or a called co-unit must be the actor's own unit,
which ``lifecycle.service`` checks against the case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import CENTRE_ROLES, STAFF_ROLES
from zhili.auth.scope import Actor

if TYPE_CHECKING:
    from zhili.cases.lifecycle.transitions import ActionRule
    from zhili.cases.models import Case

# Who takes demands in: the hotline, and grid and community workers in the field. Apps file through
# Open311 (``open311.policy.can_file_requests``), never through /api.
INTAKE_ROLES = frozenset({Role.operator, Role.dispatcher, Role.grid_worker, Role.community_worker})
# Lifecycle role groups: the dispatcher's decisions, the centre's calls (回访, 合并), the unit's work.
DISPATCHERS = frozenset({Role.dispatcher})
OPERATORS = CENTRE_ROLES
UNITS = frozenset({Role.unit_staff})
SUPERVISORS = DISPATCHERS | {Role.supervisor}
# Who may look up a caller's earlier demands by phone number while taking a call: the hotline only.
CALLER_LOOKUP_ROLES = frozenset({Role.operator})
# Who sees the citizen's name, phone and ID number in full (everyone else sees them masked).
FULL_CONTACT_ROLES = CENTRE_ROLES


@permission("受理诉求")
def can_take_intake(actor: Actor) -> bool:
    """The hotline and field workers take demands in (apps: Open311)."""
    return actor.role in INTAKE_ROLES


@permission("查看诉求")
def can_read_cases(actor: Actor) -> bool:
    """Staff read the cases of their jurisdiction (the repository decides which)."""
    return actor.role in STAFF_ROLES


@permission("派单")
def can_dispatch(actor: Actor) -> bool:
    """The dispatcher's workbench: dispatch, rule on 退单 and 延期, 督办."""
    return actor.role in DISPATCHERS


@permission("承办诉求")
def can_handle_cases(actor: Actor) -> bool:
    """A handling unit's inbox: 签收, 联系, 反馈, 吹哨, 报到."""
    return actor.role in UNITS


@permission("回访")
def can_visit(actor: Actor) -> bool:
    """The 回访 worklist: call the citizen back and record the answers."""
    return actor.role in OPERATORS


def can_see_callback_phone(actor: Actor) -> bool:
    """The 回访 worklist shows the 回访 role the number to call, in full (the centre calls back)."""
    return actor.role in OPERATORS


@permission("查询来电人近期诉求")
def can_look_up_callers(actor: Actor) -> bool:
    """The operator taking a call sees the caller's demands of the last 90 days (audited)."""
    return actor.role in CALLER_LOOKUP_ROLES


@permission("查看承办诉求的市民电话")
def can_reveal_phone(actor: Actor) -> bool:
    """A handling unit's staff may reveal the citizen's phone of a case their unit works on."""
    return actor.role in UNITS


# States in which a case is with a unit: from 派单 until it is closed (or merged away).
WITH_UNIT_STATES = frozenset({"dispatched", "signed", "contacted", "return_requested", "reported", "visited"})


def may_reveal_phone_of(actor: Actor, case: Case, co_unit: bool) -> bool:
    """The case part: assigned to the actor's unit (lead, or a called co-unit) and not closed. A 保密
    case is refused separately, with the way to reach the citizen (转接 through the hotline)."""
    assigned = actor.unit_id is not None and (case.lead_unit_id == actor.unit_id or co_unit)
    return can_reveal_phone(actor) and assigned and case.state.value in WITH_UNIT_STATES


def can_take_action(actor: Actor, rule: ActionRule) -> bool:
    """The role part of a lifecycle action; the unit's part is checked against the case."""
    return actor.role in rule.roles


def can_see_full_contact(actor: Actor) -> bool:
    return actor.role in FULL_CONTACT_ROLES


def can_take_outside_city(actor: Actor) -> bool:
    """The hotline may take a demand located outside the city once the operator confirms it (a
    resident reporting from elsewhere); apps and the portal are refused (400)."""
    return actor.role in CENTRE_ROLES


def sees_centre_unlocated(actor: Actor) -> bool:
    """The operators and dispatchers of the centre that took a demand in see it while it has no
    place (待定位); the readable statement adds the staff member who took it in."""
    return actor.role in CENTRE_ROLES


def sees_own_unlocated(actor: Actor) -> bool:
    """Staff who took a demand in keep sight of it while it has no place (a grid worker's field
    event, a community worker's intake)."""
    return actor.user_id is not None and actor.role in STAFF_ROLES


IntakeActor = Annotated[Actor, can_take_intake.depends]
CaseReader = Annotated[Actor, can_read_cases.depends]
Dispatcher = Annotated[Actor, can_dispatch.depends]
HandlingUnit = Annotated[Actor, can_handle_cases.depends]
VisitCaller = Annotated[Actor, can_visit.depends]
PhoneRevealer = Annotated[Actor, can_reveal_phone.depends]
CallerLookup = Annotated[Actor, can_look_up_callers.depends]
