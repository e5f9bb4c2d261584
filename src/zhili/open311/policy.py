"""Who may file and who may read through Open311 (GeoReport v2).

Reading is public and shows the same public fields to everyone: the requests filed through Open311
that are not confidential. A staff account's key also shows the non-confidential cases of its
jurisdiction. An app's key (role api_client) files requests and reads what the public reads; it
never reaches ``/api``.
"""

from __future__ import annotations

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.policy import STAFF_ROLES
from zhili.auth.scope import Actor
from zhili.cases.policy import INTAKE_ROLES

FILING_ROLES = INTAKE_ROLES | {Role.api_client}


@permission("通过 Open311 提交诉求")
def can_file_requests(actor: Actor) -> bool:
    return actor.role in FILING_ROLES


def reads_its_jurisdiction(actor: Actor) -> bool:
    """Staff keys read the non-confidential cases of their jurisdiction too; apps read the public set."""
    return actor.role in STAFF_ROLES
