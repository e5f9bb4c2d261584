"""Reads of the registries, filtered by the actor's jurisdiction through each row's community."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.errors import NotFound
from zhili.grid.registry.models import (
    Facility,
    FacilityKind,
    FacilityState,
    PersonRecord,
    Place,
    PopulationCount,
)


def places_of(session: Session, actor: Actor, community: str) -> Sequence[Place]:
    return session.scalars(
        select(Place).where(Place.community_code == community, readable(actor).clause(Place.community_code))
    ).all()


def facilities_in(
    session: Session,
    actor: Actor,
    division: str,
    kind: FacilityKind | None = None,
    state: FacilityState | None = None,
) -> Sequence[Facility]:
    statement = select(Facility).where(
        Facility.community_code.startswith(division, autoescape=True),
        readable(actor).clause(Facility.community_code),
    )
    if kind:
        statement = statement.where(Facility.kind == kind)
    if state:
        statement = statement.where(Facility.state == state)
    return session.scalars(statement.order_by(Facility.id).limit(2000)).all()


def get_facility(session: Session, actor: Actor, facility_id: int) -> Facility:
    facility = session.scalars(
        select(Facility).where(Facility.id == facility_id, readable(actor).clause(Facility.community_code))
    ).one_or_none()
    if facility is None:
        raise NotFound("设施不存在或不在您的辖区内")
    return facility


def population_in(session: Session, actor: Actor, division: str) -> dict[str, int]:
    """Counts per group, summed over the communities of a division."""
    rows = session.execute(
        select(PopulationCount.group, PopulationCount.count).where(
            PopulationCount.community_code.startswith(division, autoescape=True),
            readable(actor).clause(PopulationCount.community_code),
        )
    ).all()
    totals: dict[str, int] = {}
    for group, count in rows:
        totals[group] = totals.get(group, 0) + int(count)
    return totals


def people_of(session: Session, actor: Actor, community_code: str) -> Sequence[PersonRecord]:
    return session.scalars(
        select(PersonRecord)
        .where(
            PersonRecord.community_code == community_code, readable(actor).clause(PersonRecord.community_code)
        )
        .order_by(PersonRecord.id)
    ).all()
