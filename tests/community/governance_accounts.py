"""Accounts for grid, community and plan tests: created once per database, signed in once per run.

Like ``support.cases``: argon2 is slow, so the accounts are committed once and every test gets fresh
clients on its own app, inside its own rolled-back transaction.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from support.accounts import PASSWORD, committed_sign_ins
from support.cases import _ensure_accounts, staff
from zhili.auth import service
from zhili.auth.models import Role, User
from zhili.db import Database

WANGJING_STREET = "110105026"
JIUXIANQIAO_STREET = "110105011"

ACCOUNTS = {
    "worker": ("cw_wangjing", Role.community_worker, "S110105026"),
    "other_worker": ("cw_jxq", Role.community_worker, "S110105011"),
    "grid": ("grid_wangjing", Role.grid_worker, "S110105026"),
    "grid2": ("grid_wangjing2", Role.grid_worker, "S110105026"),
    "grid_jxq": ("grid_jxq", Role.grid_worker, "S110105011"),
    "leader": ("leader_plan", Role.supervisor, "C11"),
    "admin": ("admin_gov", Role.admin, None),
    "dispatcher": ("disp_gov", Role.dispatcher, "C11"),
    "operator": ("op_gov", Role.operator, "C11"),
}

_SIGNED_IN: dict[str, dict[str, tuple[dict[str, str], str]]] = {}


def _ensure(database: Database) -> None:
    with database.session() as s:
        for username, role, unit in ACCOUNTS.values():
            if s.execute(select(User.id).where(User.username == username)).first() is None:
                service.create_user(s, username=username, role=role, unit_code=unit, password=PASSWORD)


def user_id(app: Any, name: str) -> int:
    real = Database(app.state.db.url)
    try:
        with real.session(write=False) as s:
            return int(s.execute(select(User.id).where(User.username == ACCOUNTS[name][0])).scalar_one())
    finally:
        real.dispose()


def client(app: Any, name: str) -> TestClient:
    url = app.state.db.url
    if url not in _SIGNED_IN:
        # The desk accounts of support.cases first: both sets must be committed before any test
        # writes through the shared connection (SQLite allows one writer).
        real = Database(url)
        try:
            _ensure_accounts(real)
            _ensure(real)
        finally:
            real.dispose()
        staff(app)
        signed = committed_sign_ins(app, {key: username for key, (username, _, _) in ACCOUNTS.items()})
        _SIGNED_IN[url] = signed
    cookies, token = _SIGNED_IN[url][name]
    return TestClient(app, cookies=cookies, headers={"X-CSRF-Token": token})


def wangjing_communities(session: Any, n: int) -> list[str]:
    """The first ``n`` urban communities of 望京街道."""
    from zhili.divisions.models import Division

    codes = session.scalars(
        select(Division.code).where(Division.parent_code == WANGJING_STREET).order_by(Division.code)
    ).all()
    urban = [code for code in codes if int(code[-3:]) < 200]
    assert len(urban) >= n
    return urban[:n]
