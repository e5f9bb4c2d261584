"""人民调解委员会 coverage of streets and communities, from the registry: a street (乡镇) or a
community (村) is covered when an active people's committee is registered for exactly that division.

The plan (第三部分 二（八）) asks to "巩固充实街道（乡镇）、社区（村）人民调解委员会" but states no
number, so this is a mediation figure, not a plan indicator (the plan's catalogue holds only the
targets it quantifies)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.divisions.models import Division, DivisionLevel
from zhili.mediation.models import MediationCommittee
from zhili.mediation.policy import can_read_mediation_figures
from zhili.mediation.schemas import CoverageOut
from zhili.mediation.states import Track


def _count(session: Session, level: DivisionLevel, within: str, covered: bool) -> int:
    statement = select(func.count(Division.code)).where(
        Division.level == level, Division.code.startswith(within, autoescape=True)
    )
    if covered:
        committees = select(MediationCommittee.division_code).where(
            MediationCommittee.track == Track.people, MediationCommittee.active.is_(True)
        )
        statement = statement.where(Division.code.in_(committees))
    return int(session.execute(statement).scalar_one())


def coverage_of(session: Session, within: str) -> CoverageOut:
    streets = _count(session, DivisionLevel.street, within, False)
    communities = _count(session, DivisionLevel.community, within, False)
    streets_covered = _count(session, DivisionLevel.street, within, True)
    communities_covered = _count(session, DivisionLevel.community, within, True)
    return CoverageOut(
        division_code=within,
        streets=streets,
        streets_covered=streets_covered,
        street_coverage=round(streets_covered / streets, 4) if streets else None,
        communities=communities,
        communities_covered=communities_covered,
        community_coverage=round(communities_covered / communities, 4) if communities else None,
    )


def coverage(session: Session, actor: Actor) -> list[CoverageOut]:
    """One row per area of the actor's reach (the whole city for a city-wide reader)."""
    if not can_read_mediation_figures(actor):
        return []
    scope = readable(actor)
    areas = [""] if scope.everything else sorted(scope.division_codes)
    return [coverage_of(session, code) for code in areas]
