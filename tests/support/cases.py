"""Explicit helpers for case tests: staff accounts per role, clients signed in as them, and intake.

Staff accounts are created once per database and committed, and each signs in once per run: argon2
is deliberately slow, and a fresh set per test would dominate the suite's time. Each test still gets
its own clients on its own app, inside its own rolled-back transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from support.accounts import PASSWORD, committed_sign_ins
from zhili.auth import service
from zhili.auth.models import Role, User
from zhili.db import Database

WANGJING = "S110105026"  # 望京街道办事处
JIUXIANQIAO = "S110105011"  # 酒仙桥街道办事处
CHAOYANG_CGW = "D110105-urban_management"  # 朝阳区城市管理委员会
CHAOYANG_ENV = "D110105-environment"  # 朝阳区生态环境局
CHAOYANG_MARKET = "D110105-market"  # 朝阳区市场监督管理局

# A point in 望京 (朝阳区) and an address naming the street.
WANGJING_POINT = {"lat": 39.9966, "lng": 116.4706, "address": "北京市朝阳区望京街道望京西园三区"}

CASE_BODY: dict[str, Any] = {
    "demand_type": "投诉",
    "urgency": "一般",
    "category": "020201",
    "channel": "电话",
    "title": "小区楼下广场舞噪音扰民",
    "description": "每天晚上九点后广场舞音响声音很大，影响老人孩子休息，希望有关部门管理。",
    "citizen": {"name": "张三", "phone": "13812341234", "id_number": "110105199001011234"},
    **WANGJING_POINT,
}

STAFF = {
    "operator": ("op_a", Role.operator, "C11"),
    "dispatcher": ("disp_a", Role.dispatcher, "C11"),
    "street": ("wangjing_a", Role.unit_staff, WANGJING),
    "other_street": ("jxq_a", Role.unit_staff, JIUXIANQIAO),
    "dept": ("cgw_a", Role.unit_staff, CHAOYANG_CGW),
    "dept2": ("env_a", Role.unit_staff, CHAOYANG_ENV),
}

# Per database URL: role name -> (cookies, csrf token).
_SIGNED_IN: dict[str, dict[str, tuple[dict[str, str], str]]] = {}


@dataclass
class Staff:
    """Clients signed in as each role, sharing one app (and so one database transaction)."""

    operator: TestClient
    dispatcher: TestClient
    street: TestClient
    other_street: TestClient
    dept: TestClient
    dept2: TestClient


def _ensure_accounts(database: Database) -> None:
    with database.session() as s:
        for username, role, unit in STAFF.values():
            if s.execute(select(User.id).where(User.username == username)).first() is None:
                service.create_user(s, username=username, role=role, unit_code=unit, password=PASSWORD)


def _sign_in_all(app: Any) -> dict[str, tuple[dict[str, str], str]]:
    url = app.state.db.url
    if url not in _SIGNED_IN:
        real = Database(url)
        try:
            _ensure_accounts(real)
        finally:
            real.dispose()
        signed = committed_sign_ins(app, {name: username for name, (username, _, _) in STAFF.items()})
        _SIGNED_IN[url] = signed
    return _SIGNED_IN[url]


def client_for(app: Any, name: str) -> TestClient:
    cookies, token = _sign_in_all(app)[name]
    return TestClient(app, cookies=cookies, headers={"X-CSRF-Token": token})


def staff(app: Any, session: Session | None = None) -> Staff:
    return Staff(**{name: client_for(app, name) for name in STAFF})


def intake(client: TestClient, **overrides: Any) -> str:
    response = client.post("/api/cases", json={**CASE_BODY, **overrides})
    assert response.status_code == 201, response.text
    return str(response.json()["code"])


def act(client: TestClient, code: str, action: str, expect: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/cases/{code}/{action}", json=body)
    assert response.status_code == expect, f"{action}: {response.status_code} {response.text}"
    return dict(response.json())
