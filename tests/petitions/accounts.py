"""Accounts for petition tests: created once per database and signed in once per run (argon2 is slow),
as ``community.governance_accounts`` does; each test gets fresh clients inside its own transaction."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from support.accounts import PASSWORD, committed_sign_ins
from support.cases import _ensure_accounts, staff
from zhili.auth import service
from zhili.auth.models import Role, User
from zhili.db import Database

CHAOYANG_OFFICE = "D110105-petitions"  # 朝阳区信访办公室
WANGJING_COMMUNITY_STREET = "110105026"  # 望京街道

ACCOUNTS = {
    "office": ("xf_chaoyang", Role.petition_officer, CHAOYANG_OFFICE),
    "office_haidian": ("xf_haidian", Role.petition_officer, "D110108-petitions"),
    "body": ("xf_cgw", Role.unit_staff, "D110105-urban_management"),  # 朝阳区城管委: 办理机关
    "other_body": ("xf_env", Role.unit_staff, "D110105-environment"),
    "review_body": ("xf_gov", Role.unit_staff, "G110105"),  # 朝阳区人民政府: 复查机关
    "recheck_body": ("xf_city_cgw", Role.unit_staff, "M11-CGW"),  # 北京市城管委: 复核机关
    "leader": ("xf_leader", Role.supervisor, "C110105"),
    "other_leader": ("xf_leader2", Role.supervisor, "C110105"),
    "street": ("xf_wangjing", Role.unit_staff, "S110105026"),
    "operator": ("xf_op", Role.operator, "C11"),
    "admin": ("xf_admin", Role.admin, None),
}

_SIGNED_IN: dict[str, dict[str, tuple[dict[str, str], str]]] = {}


def _ensure(database: Database) -> None:
    with database.session() as s:
        for username, role, unit in ACCOUNTS.values():
            if s.execute(select(User.id).where(User.username == username)).first() is None:
                service.create_user(
                    s, username=username, role=role, unit_code=unit, password=PASSWORD, display_name=username
                )


def client(app: Any, name: str) -> TestClient:
    url = app.state.db.url
    if url not in _SIGNED_IN:
        real = Database(url)
        try:
            _ensure_accounts(real)
            _ensure(real)
        finally:
            real.dispose()
        staff(app)
        _SIGNED_IN[url] = committed_sign_ins(app, {key: user for key, (user, _, _) in ACCOUNTS.items()})
    cookies, token = _SIGNED_IN[url][name]
    return TestClient(app, cookies=cookies, headers={"X-CSRF-Token": token})


def username(name: str) -> str:
    return ACCOUNTS[name][0]


VISIT = {
    "channel": "visit",
    "title": "小区楼下烧烤摊油烟扰民长期未解决",
    "content": (
        "望京西园三区楼下烧烤摊每晚营业到凌晨，油烟和噪音严重扰民，多次拨打12345仍未解决，请求依法处理。"
    ),
    "category": "020201",
    "division_code": "110105026",
    "petitioner": {"name": "李四", "phone": "13900001234", "id_number": "110105198001011234"},
}


def register(office: TestClient, expect: int = 201, **overrides: Any) -> dict[str, Any]:
    response = office.post("/api/petitions", json={**VISIT, **overrides})
    assert response.status_code == expect, response.text
    return dict(response.json())


def step(client: TestClient, code: str, action: str, expect: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/petitions/matters/{code}/{action}", json=body)
    assert response.status_code == expect, f"{action}: {response.status_code} {response.text}"
    return dict(response.json())


def citizen(app: Any) -> TestClient:
    """A browser on the petition portal: it has the page's CSRF token, as a citizen's would."""
    browser = TestClient(app)
    page = browser.get("/portal/petition")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None, page.text[:300]
    browser.headers["X-CSRF-Token"] = token.group(1)
    return browser


ONLINE = {
    "title": "小区供暖温度长期不达标",
    "content": "望京某小区今年供暖以来室温不足十六度，多次反映无果，请求督促供热单位整改。",
    "category": "020201",
    "division_code": "110105026",
    "name": "王五",
    "phone": "13700005678",
}
