"""Who may change the taxonomy: categories, demand types and time-limit rules."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import STAFF_ROLES
from zhili.auth.scope import Actor


@permission("维护诉求分类与办理时限")
def can_edit_taxonomy(actor: Actor) -> bool:
    return actor.role == Role.admin


TaxonomyEditor = Annotated[Actor, can_edit_taxonomy.depends]


@permission("按名称选择诉求分类")
def can_pick_categories(actor: Actor) -> bool:
    """Staff pick a category of the three-level taxonomy by name in forms."""
    return actor.role in STAFF_ROLES


CategoryReader = Annotated[Actor, can_pick_categories.depends]
