"""Who may do what in grid management (网格化): read the grid, divide it, patrol it, verify on site,
and keep the 人地物事组织 registries. Every write is also checked against the actor's jurisdiction."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor

GRID_READERS = frozenset(
    {Role.grid_worker, Role.unit_staff, Role.community_worker, Role.dispatcher, Role.supervisor, Role.admin}
)
# Street and community offices (and the district centre) draw the grid and place its workers.
CELL_MANAGERS = frozenset({Role.unit_staff, Role.community_worker, Role.dispatcher, Role.admin})
GRID_WORKERS = frozenset({Role.grid_worker})
# Community data (the registries) is kept by the people who work in the community.
REGISTRY_KEEPERS = frozenset({Role.community_worker, Role.unit_staff, Role.grid_worker, Role.admin})


@permission("查看网格")
def can_read_grid(actor: Actor) -> bool:
    return actor.role in GRID_READERS


@permission("划分网格、指派网格员")
def can_manage_cells(actor: Actor) -> bool:
    return actor.role in CELL_MANAGERS


@permission("网格巡查与核查")
def can_patrol(actor: Actor) -> bool:
    """Grid workers plan and walk patrols, report field events and carry out 核查."""
    return actor.role in GRID_WORKERS and actor.user_id is not None


@permission("派发核查任务")
def can_request_verification(actor: Actor) -> bool:
    """Staff send a case to its cell's grid worker; a grid worker does not task himself."""
    return actor.role in GRID_READERS - GRID_WORKERS


@permission("维护人地物事组织台账")
def can_keep_registry(actor: Actor) -> bool:
    return actor.role in REGISTRY_KEEPERS


def works_the_grid(role: Role) -> bool:
    """Whether an account of this role can be a cell's grid worker."""
    return role in GRID_WORKERS


GridReader = Annotated[Actor, can_read_grid.depends]
CellManager = Annotated[Actor, can_manage_cells.depends]
GridWorker = Annotated[Actor, can_patrol.depends]
VerificationRequester = Annotated[Actor, can_request_verification.depends]
RegistryKeeper = Annotated[Actor, can_keep_registry.depends]
