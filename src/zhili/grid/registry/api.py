"""JSON routes for the registries of 地 (places), 物 (facilities), 组织 and 人 (counts; opt-in records)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
    FacilityStateIn,
    OrganisationIn,
    PersonIn,
    PlaceIn,
    PopulationIn,
)

router = APIRouter(prefix="/api/grid", tags=["grid-registries"])


def facility_view(f: Facility) -> dict[str, Any]:
    return {
        "id": f.id,
        "kind": f.kind.value,
        "kind_label": FACILITY_LABELS[f.kind],
        "label": f.label,
        "state": f.state.value,
        "state_label": STATE_LABELS[f.state],
        "community_code": f.community_code,
        "cell": f.cell,
        "place_id": f.place_id,
    }


@router.post("/places", status_code=201)
def add_place(body: PlaceIn, actor: RegistryKeeper, session: DbSession) -> dict[str, Any]:
    place = service.add_place(session, actor, body)
    return {
        "id": place.id,
        "kind": place.kind.value,
        "name": place.name,
        "community_code": place.community_code,
    }


@router.get("/places")
def list_places(
    actor: GridReader, session: DbSession, community: str = Query(max_length=12)
) -> list[dict[str, Any]]:
    rows = registry.places_of(session, actor, community)
    return [
        {"id": p.id, "kind": p.kind.value, "name": p.name, "address": p.address, "cell": p.cell} for p in rows
    ]


@router.post("/facilities", status_code=201)
def add_facility(body: FacilityIn, actor: RegistryKeeper, session: DbSession) -> dict[str, Any]:
    return facility_view(service.add_facility(session, actor, body))


@router.get("/facilities")
def list_facilities(
    actor: GridReader,
    session: DbSession,
    division: str = Query(max_length=12),
    kind: FacilityKind | None = None,
    state: FacilityState | None = None,
) -> list[dict[str, Any]]:
    return [facility_view(f) for f in registry.facilities_in(session, actor, division, kind, state)]


@router.patch("/facilities/{facility_id}")
def set_state(
    facility_id: int, body: FacilityStateIn, actor: RegistryKeeper, session: DbSession
) -> dict[str, Any]:
    return facility_view(service.set_facility_state(session, actor, facility_id, body.state))


@router.post("/organisations", status_code=201)
def add_organisation(body: OrganisationIn, actor: RegistryKeeper, session: DbSession) -> dict[str, Any]:
    org = service.add_organisation(session, actor, body)
    return {"id": org.id, "name": org.name, "kind": org.kind, "community_code": org.community_code}


@router.put("/population")
def set_population(body: PopulationIn, actor: RegistryKeeper, session: DbSession) -> dict[str, Any]:
    row = service.set_population(session, actor, body)
    return {"community_code": row.community_code, "group": row.group, "count": row.count, "as_of": row.as_of}


@router.get("/population")
def population(actor: GridReader, session: DbSession, division: str = Query(max_length=12)) -> dict[str, int]:
    return registry.population_in(session, actor, division)


@router.post("/people", status_code=201)
def add_person(body: PersonIn, actor: RegistryKeeper, session: DbSession, cipher: Cipher) -> dict[str, Any]:
    person = service.add_person(session, actor, cipher, body)
    return {"id": person.id, "group": person.group}


@router.get("/people")
def read_people(
    actor: RegistryKeeper, session: DbSession, cipher: Cipher, community: str = Query(max_length=12)
) -> Sequence[dict[str, object]]:
    return service.read_people(session, actor, cipher, community)
