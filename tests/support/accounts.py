"""Explicit helpers to make users and sign in over HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from zhili.auth import service
from zhili.auth.models import Role, User

PASSWORD = "Correct-horse-42"


def make_user(
    session: Session, username: str, role: Role, unit_code: str | None = None, password: str = PASSWORD
) -> User:
    user, _ = service.create_user(
        session, username=username, role=role, unit_code=unit_code, password=password
    )
    session.commit()
    return user


def issue_key(session: Session, username: str, role: Role, unit: str | None) -> str:
    """A new account without a password and an API key of it, committed; the key in clear."""
    user, _ = service.create_user(session, username=username, role=role, unit_code=unit, password=None)
    _, clear = service.issue_api_key(session, user, "测试应用", actor="test")
    session.commit()
    return clear


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the JSON API; returns the CSRF token to send on writes."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    token = response.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return str(token)


def signed_in(
    app: Any, session: Session, username: str, role: Role, unit_code: str | None = None
) -> TestClient:
    """A client of ``app`` signed in as a new user, with the CSRF token set for writes."""
    make_user(session, username, role, unit_code)
    client = TestClient(app)
    login(client, username)
    return client


def committed_sign_ins(app: Any, usernames: dict[str, str]) -> dict[str, tuple[dict[str, str], str]]:
    """Sign accounts in once for a whole run: through an app on the real (committed) database, so the
    server-side sessions outlive each test's rolled-back transaction. Returns name → (cookies, CSRF)."""
    from zhili.app import create_app
    from zhili.db import Database

    real = Database(app.state.db.url)
    try:
        committed = create_app(app.state.settings, database=real)
        signed = {}
        for name, username in usernames.items():
            client = TestClient(committed)
            response = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
            signed[name] = (dict(client.cookies), response.json()["csrf_token"])
        return signed
    finally:
        real.dispose()
