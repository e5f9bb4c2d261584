"""A citizen's application for mediation from the portal: registered as a dispute in the register of
the 人民调解委员会 of its place (the community's, else the street's), the parties sealed as for any
dispute. Tracking is by dispute code and the applicant's phone tail (``tracking``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import citizen
from zhili.cases.context import CaseContext
from zhili.divisions.places import place_of_address
from zhili.divisions.resolver import Resolver
from zhili.mediation import intake
from zhili.mediation import repository as disputes
from zhili.mediation.models import Dispute
from zhili.mediation.schemas import ApplicationIn, DisputeIn, PartyIn
from zhili.mediation.states import KIND_LABELS, DisputeSource, Track

PORTAL = citizen("mediation-portal")


def apply(session: Session, ctx: CaseContext, resolver: Resolver, body: ApplicationIn) -> Dispute:
    """Register the application with the committee of the place its address names."""
    division_code = place_of_address(resolver, body.address)
    committee = disputes.committee_for(session, Track.people, division_code)
    parties = [
        PartyIn(role="申请人", name=body.name, phone=body.phone, id_number=body.id_number),
        PartyIn(role="被申请人", name=body.other_name, phone=body.other_phone),
    ]
    registration = DisputeIn(
        kind=body.kind,
        source=DisputeSource.citizen,
        title=f"{body.address}{KIND_LABELS[body.kind]}调解申请"[:200],
        facts=body.facts,
        division_code=division_code,
        place=body.address,
        parties=parties,
    )
    result = intake.write(
        session,
        ctx,
        PORTAL.username,
        registration,
        division_code,
        [],
        committee_id=committee.id if committee else None,
    )
    return result.dispute
