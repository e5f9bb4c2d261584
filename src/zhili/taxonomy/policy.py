"""Who may change the taxonomy: categories, demand types and time-limit rules."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor


@permission("维护诉求分类与办理时限")
def can_edit_taxonomy(actor: Actor) -> bool:
    return actor.role == Role.admin


TaxonomyEditor = Annotated[Actor, can_edit_taxonomy.depends]
