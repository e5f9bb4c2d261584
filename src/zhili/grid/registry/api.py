"""JSON routes for the registries of 地 (places), 物 (facilities), 组织 and 人 (counts; opt-in records)."""

from __future__ import annotations

from fastapi import APIRouter, Query

from zhili.community.deps import Cipher
from zhili.deps import DbSession
from zhili.grid.policy import GridReader, RegistryKeeper
from zhili.grid.registry import repository as registry
from zhili.grid.registry import service
from zhili.grid.registry.models import (
    FACILITY_LABELS,
    STATE_LABELS,
    Facility,
    FacilityKind,
    FacilityState,
)
from zhili.grid.registry.schemas import (
    FacilityIn,
    FacilityOut,
    FacilityStateIn,
    GridOrganisationOut,
    OrganisationIn,
    PersonIn,
    PersonRecordCreatedOut,
    PersonRecordOut,
    PlaceCreatedOut,
    PlaceIn,
    PlaceOut,
    PopulationCountIn,
    PopulationCountOut,
)

router = APIRouter(prefix="/api/grid", tags=["grid-registries"])


def facility_out(f: Facility) -> FacilityOut:
    return FacilityOut(
        id=f.id,
        kind=f.kind,
        kind_label=FACILITY_LABELS[f.kind],
        label=f.label,
        state=f.state,
        state_label=STATE_LABELS[f.state],
        community_code=f.community_code,
        cell=f.cell,
        place_id=f.place_id,
    )


@router.post("/places", response_model=PlaceCreatedOut, status_code=201)
def add_place(body: PlaceIn, actor: RegistryKeeper, session: DbSession) -> PlaceCreatedOut:
    place = service.add_place(session, actor, body)
    return PlaceCreatedOut(id=place.id, kind=place.kind, name=place.name, community_code=place.community_code)


@router.get("/places", response_model=list[PlaceOut])
def list_places(
    actor: GridReader, session: DbSession, community: str = Query(max_length=12)
) -> list[PlaceOut]:
    rows = registry.places_of(session, actor, community)
    return [PlaceOut(id=p.id, kind=p.kind, name=p.name, address=p.address, cell=p.cell) for p in rows]


@router.post("/facilities", response_model=FacilityOut, status_code=201)
def add_facility(body: FacilityIn, actor: RegistryKeeper, session: DbSession) -> FacilityOut:
    return facility_out(service.add_facility(session, actor, body))


@router.get("/facilities", response_model=list[FacilityOut])
def list_facilities(
    actor: GridReader,
    session: DbSession,
    division: str = Query(max_length=12),
    kind: FacilityKind | None = None,
    state: FacilityState | None = None,
) -> list[FacilityOut]:
    return [facility_out(f) for f in registry.facilities_in(session, actor, division, kind, state)]


@router.patch("/facilities/{facility_id}", response_model=FacilityOut)
def set_state(
    facility_id: int, body: FacilityStateIn, actor: RegistryKeeper, session: DbSession
) -> FacilityOut:
    return facility_out(service.set_facility_state(session, actor, facility_id, body.state))


@router.post("/organisations", response_model=GridOrganisationOut, status_code=201)
def add_organisation(body: OrganisationIn, actor: RegistryKeeper, session: DbSession) -> GridOrganisationOut:
    org = service.add_organisation(session, actor, body)
    return GridOrganisationOut(id=org.id, name=org.name, kind=org.kind, community_code=org.community_code)


@router.put("/population", response_model=PopulationCountOut)
def set_population(body: PopulationCountIn, actor: RegistryKeeper, session: DbSession) -> PopulationCountOut:
    row = service.set_population(session, actor, body)
    return PopulationCountOut(
        community_code=row.community_code, group=row.group, count=row.count, as_of=row.as_of
    )


@router.get("/population", response_model=dict[str, int])
def population(actor: GridReader, session: DbSession, division: str = Query(max_length=12)) -> dict[str, int]:
    """Counts per group (households, elderly_80, …), summed over the communities of the division."""
    return registry.population_in(session, actor, division)


@router.post("/people", response_model=PersonRecordCreatedOut, status_code=201)
def add_person(
    body: PersonIn, actor: RegistryKeeper, session: DbSession, cipher: Cipher
) -> PersonRecordCreatedOut:
    person = service.add_person(session, actor, cipher, body)
    return PersonRecordCreatedOut(id=person.id, group=person.group)


@router.get("/people", response_model=list[PersonRecordOut])
def read_people(
    actor: RegistryKeeper, session: DbSession, cipher: Cipher, community: str = Query(max_length=12)
) -> list[PersonRecordOut]:
    return service.read_people(session, actor, cipher, community)
