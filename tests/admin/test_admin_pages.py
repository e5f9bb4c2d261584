"""Admin pages: units, users and keys, the audit log; admins only, forms that refuse bad input cleanly."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from zhili.audit.models import AuditEntry
from zhili.auth import passwords
from zhili.auth.models import ApiKey, Role, User
from zhili.units.models import Unit, UnitJurisdiction

ADMIN_PAGES = ("/admin/units", "/admin/units/new", "/admin/units/S110105026", "/admin/users", "/admin/audit")


@pytest.fixture(autouse=True)
def admin_routes(app: FastAPI) -> None:
    """Mount the admin routers until app.py does so itself."""
    if "/admin/units" in {getattr(route, "path", "") for route in app.routes}:
        return
    from zhili.audit import web as audit_web
    from zhili.auth import admin_web
    from zhili.units import web as units_web

    for router in (units_web.router, admin_web.router, audit_web.router):
        app.include_router(router)


def sign_in_admin(client: TestClient, session: Session, username: str = "root") -> str:
    make_user(session, username, Role.admin)
    return login(client, username)


def unit_count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Unit)).scalar_one())


def audit_actions(session: Session, target: str) -> list[str]:
    rows = session.execute(
        select(AuditEntry.action).where(AuditEntry.target_id == target).order_by(AuditEntry.seq)
    )
    return list(rows.scalars())


def shown_secret(html: str, testid: str) -> str:
    match = re.search(rf'value="([^"]+)"[^>]*data-testid="{testid}"', html)
    assert match, html
    return match.group(1)


def test_admin_sees_the_lists(client: TestClient, session: Session) -> None:
    sign_in_admin(client, session)
    units = client.get("/admin/units", params={"q": "望京"})
    assert units.status_code == 200
    assert "单位管理" in units.text and "S110105026" in units.text
    assert '<div class="table-wrap">' in units.text
    make_user(session, "clerk9", Role.operator, "C11")
    users = client.get("/admin/users")
    assert users.status_code == 200 and "root" in users.text and "clerk9" in users.text
    admins = client.get("/admin/users", params={"role": "admin"}).text
    assert "root" in admins and "clerk9" not in admins
    audit = client.get("/admin/audit", params={"action": "user.", "actor": "system"})
    assert audit.status_code == 200 and "user.create" in audit.text
    edit = client.get("/admin/units/S110105026")
    assert edit.status_code == 200 and "110105026" in edit.text
    assert client.get("/admin/units/NOPE").status_code == 404


def test_non_admin_gets_403(client: TestClient, session: Session) -> None:
    make_user(session, "clerk", Role.operator, "C11")
    token = login(client, "clerk")
    for path in ADMIN_PAGES:
        page = client.get(path)
        assert page.status_code == 403, path
        assert "无权" in page.text and "<html" in page.text
    refused = client.post("/admin/units", data={"csrf_token": token, "code": "X1", "name": "x"})
    assert refused.status_code == 403
    assert client.post("/admin/audit/verify", data={"csrf_token": token}).status_code == 403


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    for path in ADMIN_PAGES:
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login?next=/admin/")


def test_create_unit_through_the_form_is_audited(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    form = client.get("/admin/units/new")
    assert form.status_code == 200 and 'name="csrf_token"' in form.text
    response = client.post(
        "/admin/units",
        data={
            "csrf_token": token,
            "code": "D110105-night",
            "name": "朝阳区夜经济服务中心",
            "kind": "district_dept",
            "unit_type": "commerce",
            "parent_code": "G110105",
            "division_code": "110105",
            "jurisdiction": "110105026，110105011 110105026",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/admin/units/D110105-night?saved=1"
    assert "已保存" in client.get(response.headers["location"]).text
    unit = session.execute(select(Unit).where(Unit.code == "D110105-night")).scalar_one()
    assert unit.name == "朝阳区夜经济服务中心"
    areas = session.execute(
        select(UnitJurisdiction.division_code).where(UnitJurisdiction.unit_id == unit.id)
    ).scalars()
    assert sorted(areas) == ["110105011", "110105026"]
    entry = session.execute(select(AuditEntry).where(AuditEntry.target_id == "D110105-night")).scalar_one()
    assert (entry.action, entry.actor) == ("unit.create", "root")


def test_htmx_post_answers_with_hx_redirect(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    data = {
        "csrf_token": token,
        "code": "X-htmx",
        "name": "测试单位",
        "kind": "city_dept",
        "division_code": "11",
    }
    response = client.post("/admin/units", data=data, headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/admin/units/X-htmx?saved=1"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"division_code": "999999"}, "division_code", "行政区划编码不存在：999999"),
        ({"code": "S110105026"}, "code", "单位编码 S110105026 已存在"),
        ({"name": "   "}, "name", "请填写单位名称"),
        ({"jurisdiction": "110105026 110199999"}, "jurisdiction", "行政区划编码不存在：110199999"),
        ({"parent_code": "NOPE"}, "parent_code", "上级单位 NOPE 不存在"),
        ({"kind": ""}, "kind", "请选择单位类别"),
    ],
)
def test_bad_unit_form_is_shown_again_and_nothing_is_written(
    client: TestClient, session: Session, change: dict[str, str], field: str, message: str
) -> None:
    token = sign_in_admin(client, session)
    before = unit_count(session)
    audited = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    data = {
        "csrf_token": token,
        "code": "X1",
        "name": "测试单位",
        "kind": "city_dept",
        "division_code": "11",
        **change,
    }
    response = client.post("/admin/units", data=data)
    assert response.status_code == 422
    # The message sits inside the field's label, after the marked input; the typed values are kept.
    label = re.search(rf'<label for="f-{field}">.*?</label>', response.text, re.S)
    assert label, response.text
    assert 'aria-invalid="true"' in label.group(0) and message in label.group(0)
    assert "测试单位" in response.text or field == "name"
    assert unit_count(session) == before
    assert session.execute(select(func.count()).select_from(AuditEntry)).scalar_one() == audited


def test_edit_jurisdiction_records_only_what_changed(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    unit = session.execute(select(Unit).where(Unit.code == "S110105026")).scalar_one()
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    data = {
        "csrf_token": token,
        "name": unit.name,
        "unit_type": unit.unit_type or "",
        "parent_code": parent.code if parent else "",
        "contact_phone": unit.contact_phone or "",
        "active": "1",
        "jurisdiction": "110105026, 110105011",
    }
    response = client.post("/admin/units/S110105026", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    areas = session.execute(
        select(UnitJurisdiction.division_code).where(UnitJurisdiction.unit_id == unit.id)
    ).scalars()
    assert sorted(areas) == ["110105011", "110105026"]
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.target_id == "S110105026", AuditEntry.action == "unit.update")
    ).scalar_one()
    assert entry.detail == '{"jurisdiction": ["110105011", "110105026"]}'
    page = client.get("/admin/units/S110105026")
    assert "110105026 110105011" in page.text or "110105011 110105026" in page.text

    # A refused edit keeps the typed values and changes nothing, not even the valid fields.
    bad = client.post("/admin/units/S110105026", data={**data, "name": "改了名", "jurisdiction": "110199999"})
    assert bad.status_code == 422
    assert "行政区划编码不存在：110199999" in bad.text and "改了名" in bad.text
    assert session.execute(select(Unit.name).where(Unit.id == unit.id)).scalar_one() == unit.name
    empty = client.post("/admin/units/S110105026", data={**data, "jurisdiction": " "})
    assert empty.status_code == 422 and "单位至少需要一个管辖区域" in empty.text
    assert audit_actions(session, "S110105026") == ["unit.update"]


def test_unit_list_filters_and_htmx_fragment(client: TestClient, session: Session) -> None:
    sign_in_admin(client, session)
    params = {"kind": "street", "division": "110105"}
    full = client.get("/admin/units", params=params)
    assert "<html" in full.text and 'id="units-results"' in full.text
    fragment = client.get("/admin/units", params=params, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<form" not in fragment.text
    assert "<table" in fragment.text and "S110105026" in fragment.text
    assert "共 43 条" in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    restore = client.get("/admin/units", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text
    paged = client.get("/admin/units", params={"kind": "street", "page": 2}, headers={"HX-Request": "true"})
    assert "第 2/" in paged.text and 'rel="prev"' in paged.text
    audit = client.get("/admin/audit", headers={"HX-Request": "true"})
    assert "<html" not in audit.text and "<table" in audit.text


def test_create_user_shows_the_one_time_password_once(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    response = client.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "newop",
            "display_name": "新坐席",
            "role": "operator",
            "unit": "C11",
        },
    )
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    password = shown_secret(response.text, "one-time-password")
    assert "只显示这一次" in response.text
    user = session.execute(select(User).where(User.username == "newop")).scalar_one()
    assert passwords.verify_password(user.password_hash, password) and user.must_change_password
    assert password not in client.get("/admin/users").text

    reset = client.post(f"/admin/users/{user.id}/reset", data={"csrf_token": token})
    assert reset.status_code == 200
    fresh = shown_secret(reset.text, "one-time-password")
    assert fresh != password
    session.expire_all()
    hashed = session.execute(select(User.password_hash).where(User.id == user.id)).scalar_one()
    assert passwords.verify_password(hashed, fresh) and not passwords.verify_password(hashed, password)


def test_bad_user_form_is_shown_again(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    duplicate = client.post("/admin/users", data={"csrf_token": token, "username": "root", "role": "admin"})
    assert duplicate.status_code == 422 and "用户名 root 已存在" in duplicate.text
    unitless = client.post("/admin/users", data={"csrf_token": token, "username": "lost", "role": "operator"})
    assert unitless.status_code == 422 and "该角色的用户必须属于一个单位" in unitless.text
    assert session.execute(select(User).where(User.username == "lost")).first() is None


def test_toggle_active_but_not_oneself(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    clerk = make_user(session, "clerk2", Role.operator, "C11")
    me = session.execute(select(User).where(User.username == "root")).scalar_one()
    response = client.post(
        f"/admin/users/{clerk.id}/active", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/users"
    assert session.execute(select(User.is_active).where(User.id == clerk.id)).scalar_one() is False
    assert client.post(f"/admin/users/{me.id}/active", data={"csrf_token": token}).status_code == 422
    assert audit_actions(session, str(clerk.id)) == ["user.create", "user.update"]


def test_issue_and_revoke_a_key(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    bot = make_user(session, "district-bot", Role.api_client)
    assert "还没有 API 密钥" in client.get(f"/admin/users/{bot.id}/keys").text
    assert (
        client.post(f"/admin/users/{bot.id}/keys", data={"csrf_token": token, "name": " "}).status_code == 422
    )
    issued = client.post(f"/admin/users/{bot.id}/keys", data={"csrf_token": token, "name": "朝阳区系统对接"})
    assert issued.status_code == 200 and issued.headers["cache-control"] == "no-store"
    key = shown_secret(issued.text, "new-key")
    assert key.startswith("zk_")
    listing = client.get(f"/admin/users/{bot.id}/keys").text
    assert "朝阳区系统对接" in listing and key not in listing
    assert client.get("/api/auth/me", headers={"X-API-Key": key}).json()["username"] == "district-bot"

    key_id = session.execute(select(ApiKey.id).where(ApiKey.user_id == bot.id)).scalar_one()
    revoked = client.post(f"/admin/keys/{key_id}/revoke", data={"csrf_token": token}, follow_redirects=False)
    assert revoked.status_code == 303 and revoked.headers["location"] == f"/admin/users/{bot.id}/keys"
    assert client.get("/api/auth/me", headers={"X-API-Key": key}).status_code == 401
    assert "已吊销" in client.get(f"/admin/users/{bot.id}/keys").text


def test_audit_verify_shows_ok_then_the_broken_entry(client: TestClient, session: Session) -> None:
    token = sign_in_admin(client, session)
    ok = client.post("/admin/audit/verify", data={"csrf_token": token})
    assert ok.status_code == 200
    assert 'data-testid="verify-ok"' in ok.text and "审计链完整" in ok.text
    first = session.execute(select(AuditEntry.seq).where(AuditEntry.actor == "root")).scalars().first()
    session.execute(update(AuditEntry).where(AuditEntry.seq == first).values(detail='{"forged": true}'))
    session.commit()
    broken = client.post("/admin/audit/verify", data={"csrf_token": token})
    assert 'data-testid="verify-broken"' in broken.text and "被篡改" in broken.text
    assert 'class="broken"' in broken.text and "forged" in broken.text
