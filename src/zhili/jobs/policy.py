"""Who may see the jobs that failed after their last retry, and run them again."""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor


@permission("查看与重试失败的后台任务")
def can_manage_jobs(actor: Actor) -> bool:
    return actor.role == Role.admin


JobsAdmin = Annotated[Actor, can_manage_jobs.depends]
