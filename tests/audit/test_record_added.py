"""``record_added``: a new row is stored, and its creation is audited with the row's id as the target."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service
from zhili.audit.models import AuditEntry
from zhili.community.organisations.models import OrgType, SocialOrganisation
from zhili.divisions.models import Division, DivisionLevel


def test_the_row_is_flushed_and_its_id_is_the_target(session: Session) -> None:
    street = session.scalars(select(Division.code).where(Division.level == DivisionLevel.street)).first()
    assert street is not None
    org = SocialOrganisation(
        name="测试社会组织", org_type=OrgType.charity, street_code=street, created_by="tester"
    )
    returned = service.record_added(
        session,
        org,
        actor="tester",
        action="test.create",
        target_type="social_org",
        detail={"street": street},
    )
    assert returned is org and org.id is not None
    assert session.get(SocialOrganisation, org.id) is org
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "test.create")).one()
    assert (entry.actor, entry.target_type, entry.target_id) == ("tester", "social_org", str(org.id))
    assert json.loads(entry.detail or "{}") == {"street": street}
    assert service.verify(session).ok
