"""Indicator values computed from zhili's own data, for any division (``within`` is a code prefix).

Each function answers a Ratio (numerator, denominator), or None when the denominator is empty, so
that "no data yet" is never shown as 0%.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from zhili.community.halls.models import DeliberationHall
from zhili.community.organisations.models import FAVOURED_TYPES, HubKind, SocialOrganisation, StreetHub
from zhili.community.profiles.models import (
    MIN_SERVICE_SPACE_M2,
    MIN_SERVICE_SPACE_NEW_ESTATE_M2,
    CommunityProfile,
)
from zhili.community.volunteers.models import Volunteer
from zhili.divisions.models import Division, DivisionLevel

MODELS_PER_STREET = 2


@dataclass(frozen=True)
class Ratio:
    numerator: float
    denominator: float

    @property
    def percent(self) -> float:
        return round(self.numerator / self.denominator * 100, 2)


def _ratio(numerator: float, denominator: float) -> Ratio | None:
    return Ratio(float(numerator), float(denominator)) if denominator else None


def _urban(column: ColumnElement[str] | object) -> ColumnElement[bool]:
    # 居委会 codes end in 001-199 (see community.access.is_urban_community).
    return func.substr(column, 10, 3) < "200"


def _count(session: Session, statement: object) -> int:
    return int(session.execute(statement).scalar_one())  # type: ignore[call-overload]


def hall_coverage(session: Session, within: str) -> Ratio | None:
    urban = _count(
        session,
        select(func.count()).where(
            Division.level == DivisionLevel.community,
            Division.code.startswith(within, autoescape=True),
            _urban(Division.code),
        ),
    )
    with_hall = _count(
        session,
        select(func.count(DeliberationHall.id)).where(
            DeliberationHall.community_code.startswith(within, autoescape=True),
            _urban(DeliberationHall.community_code),
        ),
    )
    return _ratio(with_hall, urban)


def _streets(session: Session, within: str) -> int:
    return _count(
        session,
        select(func.count()).where(
            Division.level == DivisionLevel.street, Division.code.startswith(within, autoescape=True)
        ),
    )


def deliberation_models(session: Session, within: str) -> Ratio | None:
    per_street = (
        select(DeliberationHall.street_code)
        .where(
            DeliberationHall.is_model.is_(True),
            DeliberationHall.street_code.startswith(within, autoescape=True),
        )
        .group_by(DeliberationHall.street_code)
        .having(func.count() >= MODELS_PER_STREET)
        .subquery()
    )
    return _ratio(_count(session, select(func.count()).select_from(per_street)), _streets(session, within))


def _hub_coverage(session: Session, within: str, kind: HubKind) -> Ratio | None:
    covered = _count(
        session,
        select(func.count(func.distinct(StreetHub.street_code))).where(
            StreetHub.kind == kind, StreetHub.street_code.startswith(within, autoescape=True)
        ),
    )
    return _ratio(covered, _streets(session, within))


def incubation_coverage(session: Session, within: str) -> Ratio | None:
    return _hub_coverage(session, within, HubKind.incubation)


def federation_coverage(session: Session, within: str) -> Ratio | None:
    return _hub_coverage(session, within, HubKind.federation)


def four_type_share(session: Session, within: str) -> Ratio | None:
    inside = SocialOrganisation.street_code.startswith(within, autoescape=True)
    total = _count(session, select(func.count(SocialOrganisation.id)).where(inside))
    favoured = _count(
        session,
        select(func.count(SocialOrganisation.id)).where(
            inside, SocialOrganisation.org_type.in_(FAVOURED_TYPES)
        ),
    )
    return _ratio(favoured, total)


def _profiles(within: str) -> ColumnElement[bool]:
    return CommunityProfile.community_code.startswith(within, autoescape=True)


def service_space_compliance(session: Session, within: str) -> Ratio | None:
    minimum = case(
        (CommunityProfile.new_estate.is_(True), MIN_SERVICE_SPACE_NEW_ESTATE_M2), else_=MIN_SERVICE_SPACE_M2
    )
    total = _count(session, select(func.count(CommunityProfile.id)).where(_profiles(within)))
    compliant = _count(
        session,
        select(func.count(CommunityProfile.id)).where(
            _profiles(within), CommunityProfile.service_space_m2 >= minimum
        ),
    )
    return _ratio(compliant, total)


def owners_committee_rate(session: Session, within: str) -> Ratio | None:
    total = _count(session, select(func.count(CommunityProfile.id)).where(_profiles(within)))
    with_committee = _count(
        session,
        select(func.count(CommunityProfile.id)).where(
            _profiles(within), CommunityProfile.has_owners_committee.is_(True)
        ),
    )
    return _ratio(with_committee, total)


def property_coverage(session: Session, within: str) -> Ratio | None:
    covered, households = session.execute(
        select(
            func.coalesce(func.sum(CommunityProfile.property_coverage * CommunityProfile.households), 0),
            func.coalesce(func.sum(CommunityProfile.households), 0),
        ).where(_profiles(within))
    ).one()
    return _ratio(round(float(covered), 2), float(households))


def volunteer_share(session: Session, within: str) -> Ratio | None:
    volunteers = _count(
        session,
        select(func.count(Volunteer.id)).where(Volunteer.community_code.startswith(within, autoescape=True)),
    )
    population = _count(
        session, select(func.coalesce(func.sum(CommunityProfile.population), 0)).where(_profiles(within))
    )
    return _ratio(volunteers, population)


COMPUTERS: dict[str, Callable[[Session, str], Ratio | None]] = {
    "hall_coverage": hall_coverage,
    "deliberation_models": deliberation_models,
    "incubation_coverage": incubation_coverage,
    "federation_coverage": federation_coverage,
    "four_type_share": four_type_share,
    "service_space_compliance": service_space_compliance,
    "owners_committee_rate": owners_committee_rate,
    "property_coverage": property_coverage,
    "volunteer_share": volunteer_share,
}
