"""Who may read the audit log and verify its chain."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor


@permission("查看与校验审计日志")
def can_read_audit(actor: Actor) -> bool:
    return actor.role == Role.admin


AuditReader = Annotated[Actor, can_read_audit.depends]
