"""Who sees the messages that could not be sent, and resends them.

Administrators, as the system's operators: a failed message is an operations problem (the gateway is
down or refuses), and the case itself is never lost meanwhile — it waits in 已反馈 on the 回访
worklist, where the 坐席 can call the citizen.
"""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor


@permission("处理发送失败的短信")
def can_manage_outbox(actor: Actor) -> bool:
    return actor.role == Role.admin


OutboxAdmin = Annotated[Actor, can_manage_outbox.depends]
