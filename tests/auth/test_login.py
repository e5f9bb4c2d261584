"""Signing in over the JSON API and the web form: success, 401 with audit, throttling, CSRF."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.accounts import PASSWORD, login, make_user
from zhili.audit.models import AuditEntry
from zhili.auth.models import LoginFailure, Role


def test_login_me_logout(client: TestClient, session: Session) -> None:
    make_user(session, "op1", Role.operator, "C11")
    login(client, "op1")
    me = client.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "op1"
    assert me.json()["role"] == "operator"
    assert client.post("/api/auth/logout").status_code == 200
    assert client.get("/api/auth/me").status_code == 401


def test_wrong_password_is_401_and_audited(client: TestClient, session: Session) -> None:
    make_user(session, "op2", Role.operator, "C11")
    response = client.post("/api/auth/login", json={"username": "op2", "password": "wrong-password-1"})
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "not_authenticated", "message": "用户名或密码错误"}}
    entry = session.execute(
        select(AuditEntry).where(AuditEntry.action == "auth.login_failed", AuditEntry.actor == "op2")
    ).scalar_one()
    assert "bad_password" in entry.detail
    assert "wrong-password" not in entry.detail


def test_unknown_user_is_401_like_a_wrong_password(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"username": "nobody", "password": "whatever-123"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "用户名或密码错误"


def test_repeated_failures_slow_the_account_down(client: TestClient, session: Session) -> None:
    make_user(session, "op3", Role.operator, "C11")
    statuses = [
        client.post("/api/auth/login", json={"username": "op3", "password": f"bad-{i}-xxxxx"}).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5:] == [429, 429]  # the sixth attempt must wait a moment
    # Even the right password waits: a 200 during the wait would let guessing through.
    waiting = client.post("/api/auth/login", json={"username": "op3", "password": PASSWORD})
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 15
    assert "防止猜测密码" in waiting.json()["error"]["message"]
    count = session.execute(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.username == "op3")
    )
    assert count.scalar_one() == 5  # attempts refused for waiting are not counted as failures


def test_success_clears_earlier_failures(client: TestClient, session: Session) -> None:
    make_user(session, "op4", Role.operator, "C11")
    for i in range(3):
        client.post("/api/auth/login", json={"username": "op4", "password": f"bad-{i}-xxxxx"})
    login(client, "op4")
    remaining = session.execute(
        select(func.count()).select_from(LoginFailure).where(LoginFailure.username == "op4")
    )
    assert remaining.scalar_one() == 0


def test_login_body_is_validated(client: TestClient) -> None:
    response = client.post("/api/auth/login", json={"username": "", "password": "x"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "username"


def test_web_form_login_needs_csrf_and_shows_errors(client: TestClient, session: Session) -> None:
    make_user(session, "op5", Role.operator, "C11")
    page = client.get("/login")
    assert page.status_code == 200
    assert "工作人员登录" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    no_token = client.post("/login", data={"username": "op5", "password": PASSWORD})
    assert no_token.status_code == 403
    bad = client.post("/login", data={"username": "op5", "password": "nope-nope-1", "csrf_token": token})
    assert bad.status_code == 401
    assert "用户名或密码错误" in bad.text
    good = client.post(
        "/login", data={"username": "op5", "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert good.status_code == 303
    assert good.headers["location"] == "/"
    home = client.get("/")
    assert "op5" in home.text


def test_session_writes_need_the_csrf_token(client: TestClient, session: Session) -> None:
    make_user(session, "admin1", Role.admin)
    token = login(client, "admin1")
    del client.headers["X-CSRF-Token"]
    refused = client.post("/api/users", json={"username": "newbie", "role": "operator", "unit_code": "C11"})
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]
    accepted = client.post(
        "/api/users",
        json={"username": "newbie", "role": "operator", "unit_code": "C11"},
        headers={"X-CSRF-Token": token},
    )
    assert accepted.status_code == 201
