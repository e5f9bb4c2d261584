"""Registries of 地/物/组织/人 (aggregate by default; person-level opt-in, encrypted, audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from zhili.audit.models import AuditEntry
from zhili.grid.registry.models import Facility, PersonRecord


def test_places_facilities_and_people(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    other = client(app, "other_worker")
    community = wangjing_communities(session, 1)[0]
    place = worker.post(
        "/api/grid/places",
        json={"kind": "building", "name": "望京西园三区 3 号楼", "community_code": community},
    )
    assert place.status_code == 201, place.text
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
    light = worker.post(
        "/api/grid/facilities",
        json={"kind": "street_light", "label": "路灯 WJ-017", "community_code": community},
    )
    broken = worker.patch(f"/api/grid/facilities/{light.json()['id']}", json={"state": "faulty"})
    assert broken.status_code == 200 and broken.json()["state_label"] == "故障"
    faulty = worker.get("/api/grid/facilities", params={"division": "110105026", "state": "faulty"}).json()
    assert [f["label"] for f in faulty] == ["路灯 WJ-017"]
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

    assert (
        worker.post(
            "/api/grid/organisations",
            json={"name": "望京便民超市", "kind": "商户", "community_code": community},
        ).status_code
        == 201
    )
    for group, count in (("elderly_80", 120), ("disabled", 35)):
        assert (
            worker.put(
                "/api/grid/population", json={"community_code": community, "group": group, "count": count}
            ).status_code
            == 200
        )
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
    stored = session.scalars(select(PersonRecord)).one()
    assert "钱" not in stored.name_enc and stored.name_enc.startswith("v1:")
    people = worker.get("/api/grid/people", params={"community": community}).json()
    assert people[0]["name"] == "钱*"
    actions = [a for a in session.scalars(select(AuditEntry).where(AuditEntry.action.like("grid.person.%")))]
    assert {a.action for a in actions} == {"grid.person.create", "grid.person.read"}
    assert all("钱" not in (a.detail or "") for a in actions)
    assert other.get("/api/grid/people", params={"community": community}).status_code == 403
