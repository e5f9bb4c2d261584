"""Who may do what in 矛盾纠纷多元化解.

- Street and community staff (``unit_staff``, ``community_worker``: the 人民调解委员会 and the
  department offices sit there) register disputes in their jurisdiction, 分流 them, assign mediators,
  record sessions and outcomes. A district's staff act on the disputes of its streets; a court's 诉前
  委派 is registered by the district's staff with the court named.
- A grid worker (``grid_worker``) promotes a field event he reported into a dispute.
- Supervisors and admins read (parties masked); admins keep the registry of committees and mediators
  and the 分流 rules.
Reads are scoped by the dispute's place (``repository.readable_disputes``).
"""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor

STAFF_ROLES = frozenset({Role.unit_staff, Role.community_worker})
PROMOTER_ROLES = STAFF_ROLES | {Role.grid_worker}
READER_ROLES = STAFF_ROLES | {Role.supervisor, Role.admin}
KEEPER_ROLES = frozenset({Role.admin})


@permission("查看矛盾纠纷")
def can_read_disputes(actor: Actor) -> bool:
    return actor.role in READER_ROLES


@permission("登记矛盾纠纷")
def can_register_dispute(actor: Actor) -> bool:
    """Staff register any source; a grid worker only from his own field event (checked by intake)."""
    return actor.role in PROMOTER_ROLES


@permission("分流与调解矛盾纠纷")
def can_mediate(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


@permission("登记矛盾纠纷排查")
def can_check_disputes(actor: Actor) -> bool:
    """The community and street staff record their 排查 rounds and register what they found."""
    return actor.role in STAFF_ROLES


@permission("维护调解组织、调解员名册和分流规则")
def can_keep_mediation_registry(actor: Actor) -> bool:
    return actor.role in KEEPER_ROLES


@permission("查看调解统计")
def can_read_mediation_figures(actor: Actor) -> bool:
    return actor.role in READER_ROLES


def is_grid_worker(actor: Actor) -> bool:
    return actor.role == Role.grid_worker


def sees_full_parties(actor: Actor) -> bool:
    """Only the staff who mediate see parties' names, phones and ID numbers in full."""
    return actor.role in STAFF_ROLES


DisputeReader = Annotated[Actor, can_read_disputes.depends]
DisputeRegistrar = Annotated[Actor, can_register_dispute.depends]
DisputeMediator = Annotated[Actor, can_mediate.depends]
RoundRecorder = Annotated[Actor, can_check_disputes.depends]
RegistryKeeper = Annotated[Actor, can_keep_mediation_registry.depends]
MediationFigureReader = Annotated[Actor, can_read_mediation_figures.depends]
