"""The units API: staff read, admins add and edit, bad input is refused with nothing written."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.units.models import Unit


def test_units_need_a_login(client: TestClient) -> None:
    response = client.get("/api/units")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_staff_list_and_filter_units(client: TestClient, session: Session) -> None:
    make_user(session, "reader", Role.dispatcher, "C11")
    login(client, "reader")
    streets = client.get("/api/units", params={"kind": "street", "division": "110105", "limit": 1000}).json()
    assert streets["total"] == len(streets["items"]) == 43
    assert all(item["parent_code"] == "G110105" for item in streets["items"])
    found = client.get("/api/units", params={"q": "望京"}).json()
    assert [u["code"] for u in found["items"]] == ["S110105026"]
    one = client.get("/api/units/S110105026").json()
    assert one["jurisdiction"] == ["110105026"]
    assert one["kind_label"] == "街道/乡镇"
    assert client.get("/api/units/NOPE").status_code == 404
    assert client.get("/api/units", params={"kind": "bogus"}).status_code == 422


def test_admin_adds_and_edits_a_unit_with_audit(client: TestClient, session: Session) -> None:
    make_user(session, "boss", Role.admin)
    login(client, "boss")
    body = {
        "code": "D110105-nightmarket",
        "name": "朝阳区夜间经济服务中心",
        "kind": "district_dept",
        "unit_type": "commerce",
        "parent_code": "G110105",
        "division_code": "110105",
        "jurisdiction": ["110105026", "110105011"],
    }
    created = client.post("/api/units", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["jurisdiction"] == ["110105011", "110105026"]
    edited = client.patch(
        "/api/units/D110105-nightmarket", json={"name": "朝阳区夜经济服务中心", "jurisdiction": ["110105"]}
    )
    assert edited.status_code == 200
    assert edited.json()["name"] == "朝阳区夜经济服务中心"
    assert edited.json()["jurisdiction"] == ["110105"]
    actions = (
        session.execute(
            select(AuditEntry.action)
            .where(AuditEntry.target_id == "D110105-nightmarket")
            .order_by(AuditEntry.seq)
        )
        .scalars()
        .all()
    )
    assert actions == ["unit.create", "unit.update"]


def test_bad_units_are_refused_and_nothing_is_written(client: TestClient, session: Session) -> None:
    make_user(session, "boss2", Role.admin)
    login(client, "boss2")
    base = {"code": "X1", "name": "测试单位", "kind": "city_dept", "division_code": "11"}
    cases = [
        ({**base, "code": "S110105026"}, 409, "code"),
        ({**base, "division_code": "999999"}, 422, "division_code"),
        ({**base, "parent_code": "NOPE"}, 422, "parent_code"),
        ({**base, "jurisdiction": ["110105", "000"]}, 422, "jurisdiction"),
        ({**base, "name": ""}, 422, "name"),
        ({**base, "kind": "club"}, 422, "kind"),
    ]
    for body, status, field in cases:
        response = client.post("/api/units", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field
    assert session.execute(select(Unit).where(Unit.code == "X1")).first() is None
    assert client.patch("/api/units/S110105026", json={"jurisdiction": []}).status_code == 422
    assert client.patch("/api/units/S110105026", json={"parent_code": "S110105026"}).status_code == 422


def test_non_admins_cannot_edit_units(client: TestClient, session: Session) -> None:
    make_user(session, "clerk", Role.operator, "C11")
    login(client, "clerk")
    response = client.patch("/api/units/S110105026", json={"name": "改名"})
    assert response.status_code == 403
