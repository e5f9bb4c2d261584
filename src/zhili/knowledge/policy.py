"""Who may read the 知识库 and who keeps it."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import STAFF_ROLES
from zhili.auth.scope import Actor


@permission("查看知识库")
def can_read_knowledge(actor: Actor) -> bool:
    return actor.role in STAFF_ROLES


@permission("维护知识库")
def can_edit_knowledge(actor: Actor) -> bool:
    return actor.role in {Role.dispatcher, Role.admin}


KnowledgeReader = Annotated[Actor, can_read_knowledge.depends]
KnowledgeEditor = Annotated[Actor, can_edit_knowledge.depends]
