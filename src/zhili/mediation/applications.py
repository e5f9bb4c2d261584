"""A citizen's application for mediation from the portal: registered as a dispute in the register of
the 人民调解委员会 of its place (the community's, else the street's), the parties sealed as for any
dispute. Tracking is by dispute code and the applicant's phone tail (``tracking``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import citizen
from zhili.cases.context import CaseContext
from zhili.divisions.models import Division
from zhili.errors import ValidationFailed
from zhili.mediation import intake
from zhili.mediation import repository as disputes
from zhili.mediation.models import Dispute
from zhili.mediation.schemas import ApplicationIn, DisputeIn, PartyIn
from zhili.mediation.states import KIND_LABELS, DisputeSource, Track

PORTAL = citizen("mediation-portal")


def apply(session: Session, ctx: CaseContext, body: ApplicationIn) -> Dispute:
    division = session.get(Division, body.division_code)
    if division is None:
        raise ValidationFailed(f"区划编码 {body.division_code} 不存在", field="division_code")
    committee = disputes.committee_for(session, Track.people, body.division_code)
    parties = [
        PartyIn(role="申请人", name=body.name, phone=body.phone, id_number=body.id_number),
        PartyIn(role="被申请人", name=body.other_name, phone=body.other_phone),
    ]
    registration = DisputeIn(
        kind=body.kind,
        source=DisputeSource.citizen,
        title=f"{body.place or division.name}{KIND_LABELS[body.kind]}调解申请"[:200],
        facts=body.facts,
        division_code=body.division_code,
        place=body.place,
        parties=parties,
    )
    result = intake.write(
        session,
        ctx,
        PORTAL.username,
        registration,
        body.division_code,
        [],
        committee_id=committee.id if committee else None,
    )
    return result.dispute
