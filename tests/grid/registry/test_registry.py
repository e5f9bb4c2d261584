"""Registries of 地/物/组织/人 (aggregate by default; person-level opt-in, encrypted, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from zhili.audit.models import AuditEntry
from zhili.grid.registry.models import Facility, PersonRecord

FACILITY_KEYS = {
    "id",
    "kind",
    "kind_label",
    "label",
    "state",
    "state_label",
    "community_code",
    "cell",
    "place_id",
}


def test_places_facilities_and_people(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    other = client(app, "other_worker")
    community = wangjing_communities(session, 1)[0]
    place = worker.post(
        "/api/grid/places",
        json={"kind": "building", "name": "望京西园三区 3 号楼", "community_code": community},
    )
    assert place.status_code == 201, place.text
    assert set(place.json()) == {"id", "kind", "name", "community_code"}
    places = worker.get("/api/grid/places", params={"community": community}).json()
    assert [p["name"] for p in places] == ["望京西园三区 3 号楼"]
    assert set(places[0]) == {"id", "kind", "name", "address", "cell"}
    lift = worker.post(
        "/api/grid/facilities",
        json={
            "kind": "elevator",
            "label": "3号楼1单元电梯",
            "community_code": community,
            "place_id": place.json()["id"],
        },
    )
    assert lift.status_code == 201 and lift.json()["state_label"] == "正常"
    assert set(lift.json()) == FACILITY_KEYS and lift.json()["place_id"] == place.json()["id"]
    light = worker.post(
        "/api/grid/facilities",
        json={"kind": "street_light", "label": "路灯 WJ-017", "community_code": community},
    )
    broken = worker.patch(f"/api/grid/facilities/{light.json()['id']}", json={"state": "faulty"})
    assert broken.status_code == 200 and broken.json()["state_label"] == "故障"
    assert set(broken.json()) == FACILITY_KEYS
    faulty = worker.get("/api/grid/facilities", params={"division": "110105026", "state": "faulty"}).json()
    assert [f["label"] for f in faulty] == ["路灯 WJ-017"] and set(faulty[0]) == FACILITY_KEYS
    assert (
        other.patch(f"/api/grid/facilities/{light.json()['id']}", json={"state": "normal"}).status_code == 404
    )
    bad_kind = worker.post(
        "/api/grid/facilities", json={"kind": "rocket", "label": "x", "community_code": community}
    )
    assert bad_kind.status_code == 422 and bad_kind.json()["error"]["field"] == "kind"
    foreign_place = worker.post(
        "/api/grid/facilities",
        json={
            "kind": "manhole",
            "label": "x",
            "community_code": wangjing_communities(session, 2)[1],
            "place_id": place.json()["id"],
        },
    )
    assert foreign_place.status_code == 422 and foreign_place.json()["error"]["field"] == "place_id"
    assert session.execute(select(func.count()).select_from(Facility)).scalar_one() == 2

    org = worker.post(
        "/api/grid/organisations",
        json={"name": "望京便民超市", "kind": "商户", "community_code": community},
    )
    assert org.status_code == 201
    assert set(org.json()) == {"id", "name", "kind", "community_code"}
    for group, count in (("elderly_80", 120), ("disabled", 35)):
        counted = worker.put(
            "/api/grid/population", json={"community_code": community, "group": group, "count": count}
        )
        assert counted.status_code == 200
        assert set(counted.json()) == {"community_code", "group", "count", "as_of"}
        assert counted.json()["count"] == count
    assert worker.get("/api/grid/population", params={"division": "110105026"}).json() == {
        "elderly_80": 120,
        "disabled": 35,
    }
    # Person-level: only with a consent note; names are encrypted at rest, masked on read, audited.
    no_consent = worker.post(
        "/api/grid/people",
        json={"community_code": community, "group": "disabled", "name": "钱七", "consent": ""},
    )
    assert no_consent.status_code == 422 and no_consent.json()["error"]["field"] == "consent"
    assert session.execute(select(func.count()).select_from(PersonRecord)).scalar_one() == 0
    added = worker.post(
        "/api/grid/people",
        json={
            "community_code": community,
            "group": "disabled",
            "name": "钱七",
            "phone": "13700001234",
            "consent": "2025-03-01 本人书面同意登记",
        },
    )
    assert added.status_code == 201
    assert set(added.json()) == {"id", "group"} and added.json()["group"] == "disabled"
    stored = session.scalars(select(PersonRecord)).one()
    assert "钱" not in stored.name_enc and stored.name_enc.startswith("v1:")
    people = worker.get("/api/grid/people", params={"community": community}).json()
    assert people[0]["name"] == "钱*"
    assert set(people[0]) == {"id", "group", "name", "consent"}
    actions = [a for a in session.scalars(select(AuditEntry).where(AuditEntry.action.like("grid.person.%")))]
    assert {a.action for a in actions} == {"grid.person.create", "grid.person.read"}
    assert all("钱" not in (a.detail or "") for a in actions)
    assert other.get("/api/grid/people", params={"community": community}).status_code == 403
