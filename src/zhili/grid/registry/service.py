"""Registries of 地/物/组织/人. Person-level records are opt-in (a consent note is required),
encrypted, and every write and read is audited without the personal data itself."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.community.access import division_at
from zhili.db import Base
from zhili.divisions.models import DivisionLevel
from zhili.errors import Forbidden, ValidationFailed
from zhili.grid.cells.models import GridCell
from zhili.grid.policy import can_keep_registry
from zhili.grid.registry import repository as registry
from zhili.grid.registry.models import (
    Facility,
    FacilityState,
    GridOrganisation,
    PersonRecord,
    Place,
    PopulationCount,
)
from zhili.grid.registry.schemas import (
    FacilityIn,
    OrganisationIn,
    PersonIn,
    PersonRecordOut,
    PlaceIn,
    PopulationCountIn,
)
from zhili.kernel.clock import utcnow
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_name

RowT = TypeVar("RowT", bound=Base)


def check_writable(actor: Actor, code: str) -> None:
    """Registry keepers write inside their own jurisdiction only."""
    can_keep_registry.require(actor)
    if not readable(actor).covers(code):
        raise Forbidden(f"{code} 不在您的辖区内")


def _community(session: Session, actor: Actor, code: str) -> None:
    division_at(session, code, DivisionLevel.community, field="community_code")
    check_writable(actor, code)


def _cell(session: Session, cell: str | None) -> None:
    if cell and session.get(GridCell, cell) is None:
        raise ValidationFailed(f"未知的网格：{cell}", field="cell")


def _insert(session: Session, actor: Actor, row_type: type[RowT], body: BaseModel) -> RowT:
    """A registry row made from its form, created by the actor."""
    row = row_type(**body.model_dump(), created_by=actor.username)
    session.add(row)
    session.flush()
    return row


def add_place(session: Session, actor: Actor, body: PlaceIn) -> Place:
    _community(session, actor, body.community_code)
    _cell(session, body.cell)
    return _insert(session, actor, Place, body)


def add_facility(session: Session, actor: Actor, body: FacilityIn) -> Facility:
    _community(session, actor, body.community_code)
    _cell(session, body.cell)
    if body.place_id is not None:
        place = session.get(Place, body.place_id)
        if place is None or place.community_code != body.community_code:
            raise ValidationFailed("所属建筑/场所不存在或不在该社区", field="place_id")
    return _insert(session, actor, Facility, body)


def set_facility_state(session: Session, actor: Actor, facility_id: int, state: FacilityState) -> Facility:
    facility = registry.get_facility(session, actor, facility_id)
    check_writable(actor, facility.community_code)
    before = facility.state
    facility.state = state
    facility.checked_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="grid.facility.state",
        target_type="facility",
        target_id=str(facility.id),
        detail={"from": before.value, "to": state.value},
    )
    return facility


def add_organisation(session: Session, actor: Actor, body: OrganisationIn) -> GridOrganisation:
    _community(session, actor, body.community_code)
    _cell(session, body.cell)
    return _insert(session, actor, GridOrganisation, body)


def set_population(session: Session, actor: Actor, body: PopulationCountIn) -> PopulationCount:
    _community(session, actor, body.community_code)
    row = session.execute(
        select(PopulationCount).where(
            PopulationCount.community_code == body.community_code, PopulationCount.group == body.group
        )
    ).scalar_one_or_none()
    if row is None:
        row = PopulationCount(community_code=body.community_code, group=body.group)
        session.add(row)
    row.count = body.count
    row.as_of = body.as_of or date.today()
    row.updated_by = actor.username
    session.flush()
    return row


def add_person(session: Session, actor: Actor, cipher: PersonalDataCipher, body: PersonIn) -> PersonRecord:
    _community(session, actor, body.community_code)
    person = PersonRecord(
        community_code=body.community_code,
        group=body.group,
        name_enc=cipher.encrypt(body.name) or "",
        phone_enc=cipher.encrypt(body.phone),
        consent=body.consent,
        created_by=actor.username,
        created_at=utcnow(),
    )
    return audit.record_added(
        session,
        person,
        actor=actor.username,
        action="grid.person.create",
        target_type="person",
        detail={"community": body.community_code, "group": body.group},
    )


def read_people(
    session: Session, actor: Actor, cipher: PersonalDataCipher, community_code: str
) -> list[PersonRecordOut]:
    """Person-level records of one community, names masked; the read itself is audited."""
    check_writable(actor, community_code)
    rows = registry.people_of(session, actor, community_code)
    audit.record(
        session,
        actor=actor.username,
        action="grid.person.read",
        target_type="community",
        target_id=community_code,
        detail={"rows": len(rows)},
    )
    return [
        PersonRecordOut(id=r.id, group=r.group, name=mask_name(cipher.decrypt(r.name_enc)), consent=r.consent)
        for r in rows
    ]
