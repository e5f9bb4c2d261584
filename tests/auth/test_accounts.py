"""Accounts: argon2 hashes, one-time passwords that must be changed, admin edits, API keys."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from support.accounts import PASSWORD, login, make_user
from zhili.auth import passwords, service
from zhili.auth.models import ApiKey, Role, User
from zhili.errors import Conflict, ValidationFailed


def test_passwords_are_argon2_hashes(session: Session) -> None:
    user = make_user(session, "hashme", Role.operator, "C11")
    assert user.password_hash is not None
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"username": "a", "role": Role.admin}, ValidationFailed, "username"),
        ({"username": "staff1", "role": Role.operator}, ValidationFailed, "unit"),
        ({"username": "staff2", "role": Role.operator, "unit_code": "NOPE"}, ValidationFailed, "unit"),
        ({"username": "weak", "role": Role.admin, "password": "short"}, ValidationFailed, "password"),
    ],
)
def test_bad_accounts_are_refused_and_nothing_is_written(
    session: Session, kwargs: dict, error: type, field: str
) -> None:
    with pytest.raises(error) as exc:
        service.create_user(session, **kwargs)
    assert exc.value.field == field
    assert session.execute(select(User).where(User.username == kwargs["username"])).first() is None


def test_duplicate_username_is_a_conflict(session: Session) -> None:
    make_user(session, "dup", Role.admin)
    with pytest.raises(Conflict):
        service.create_user(session, username="dup", role=Role.admin)


def test_one_time_password_must_be_changed_first(client: TestClient, session: Session) -> None:
    _, otp = service.create_user(session, username="fresh", role=Role.operator, unit_code="C11")
    session.commit()
    assert otp
    token = login(client, "fresh", otp)
    page = client.get("/", follow_redirects=False)
    assert page.status_code == 200  # the home page is public
    forced = client.get("/account/password")
    assert "首次登录请先修改初始密码" in forced.text
    weak = client.post("/api/auth/password", json={"old_password": otp, "new_password": "123"})
    assert weak.status_code == 422
    assert weak.json()["error"]["field"] == "new_password"
    ok = client.post(
        "/api/auth/password",
        json={"old_password": otp, "new_password": "New-password-2026"},
        headers={"X-CSRF-Token": token},
    )
    assert ok.status_code == 200
    assert client.get("/api/auth/me").json()["must_change_password"] is False


def test_admin_manages_users_and_non_admins_cannot(client: TestClient, session: Session) -> None:
    make_user(session, "root", Role.admin)
    make_user(session, "street", Role.unit_staff, "S110105026")
    login(client, "street")
    assert client.get("/api/users").status_code == 403
    assert client.post("/api/users", json={"username": "x1y", "role": "admin"}).status_code == 403
    client.post("/api/auth/logout")
    login(client, "root")
    created = client.post(
        "/api/users", json={"username": "disp", "role": "dispatcher", "unit_code": "C110105"}
    )
    assert created.status_code == 201
    assert created.json()["one_time_password"]
    user_id = created.json()["user"]["id"]
    moved = client.patch(f"/api/users/{user_id}", json={"unit_code": "C110108", "is_active": False})
    assert moved.status_code == 200
    assert moved.json()["user"]["is_active"] is False
    bad_unit = client.patch(f"/api/users/{user_id}", json={"unit_code": "NOPE"})
    assert bad_unit.status_code == 422
    assert bad_unit.json()["error"]["field"] == "unit"
    assert client.get("/api/users", params={"role": "dispatcher"}).json()[0]["username"] == "disp"


def test_api_keys_are_hashed_shown_once_and_revocable(client: TestClient, session: Session) -> None:
    make_user(session, "root2", Role.admin)
    app_user = make_user(session, "app311", Role.api_client)
    login(client, "root2")
    issued = client.post(f"/api/users/{app_user.id}/api-keys", json={"name": "市民App"})
    assert issued.status_code == 201
    key = issued.json()["key"]
    stored = session.execute(select(ApiKey).where(ApiKey.user_id == app_user.id)).scalar_one()
    assert key not in (stored.key_hash, stored.prefix)
    assert len(stored.key_hash) == 64

    other = TestClient(client.app)
    me = other.get("/api/auth/me", headers={"X-API-Key": key})
    assert me.status_code == 200
    assert me.json()["username"] == "app311"
    assert other.get("/api/auth/me", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert other.get("/api/auth/me", headers={"X-API-Key": key + "x"}).status_code == 401

    revoked = client.delete(f"/api/api-keys/{stored.id}")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert other.get("/api/auth/me", headers={"X-API-Key": key}).status_code == 401


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password12", "容易被猜到"),  # a common password with digits
        ("woaini1314", "常见密码"),
        ("woaini1314!!", "常见密码"),
        ("1234567890", "容易被猜到"),
        ("abcdefghijk", "容易被猜到"),
        ("wangjing-desk-2026", "用户名或姓名"),  # the user's own name
        ("短", "至少需要"),
        ("x" * 129, "最多"),
    ],
)
def test_weak_passwords_are_refused_without_composition_rules(password: str, reason: str) -> None:
    problem = passwords.password_problem(password, ("wangjing", "望京街道演示账号"))
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    "password", ["Correct-horse-42", "梧桐树下的三只猫在睡觉", "lantern marble quiet river"]
)
def test_long_uncommon_passwords_pass_whatever_their_characters(password: str) -> None:
    assert passwords.password_problem(password, ("wangjing",)) is None
