"""Sessions the server holds: signing out, a password change, an admin's reset or deactivation end
them at once, for every copy of the cookie; an account on its one-time password can only change it,
on the JSON API as on the pages."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from support.accounts import PASSWORD, login, make_user
from support.cases import CASE_BODY
from zhili.auth import repository, service
from zhili.auth.models import Role


def _copy(app: Any, client: TestClient) -> TestClient:
    """Another browser holding the same cookie (a copied or stolen cookie)."""
    return TestClient(app, cookies=dict(client.cookies), headers=dict(client.headers))


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(
    app: Any, client: TestClient, session: Session
) -> None:
    make_user(session, "sess_op", Role.operator, "C11")
    login(client, "sess_op")
    stolen = _copy(app, client)
    assert stolen.get("/api/auth/me").status_code == 200
    assert client.post("/api/auth/logout").status_code == 200
    assert stolen.get("/api/auth/me").status_code == 401
    assert stolen.post("/api/cases", json=CASE_BODY).status_code == 401


def test_the_web_sign_out_ends_the_session_too(app: Any, client: TestClient, session: Session) -> None:
    make_user(session, "sess_web", Role.operator, "C11")
    login(client, "sess_web")
    stolen = _copy(app, client)
    assert client.post("/logout", follow_redirects=False).status_code == 303
    page = stolen.get("/work/intake", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    app: Any, client: TestClient, session: Session
) -> None:
    make_user(session, "sess_pw", Role.operator, "C11")
    login(client, "sess_pw")
    other = TestClient(app)
    login(other, "sess_pw")
    changed = client.post(
        "/api/auth/password", json={"old_password": PASSWORD, "new_password": "Another-horse-57"}
    )
    assert changed.status_code == 200, changed.text
    assert other.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me").status_code == 200


def test_an_admin_reset_or_deactivation_ends_the_users_sessions(
    app: Any, client: TestClient, session: Session
) -> None:
    user = make_user(session, "sess_reset", Role.operator, "C11")
    login(client, "sess_reset")
    service.update_user(session, user, actor="admin", reset_password=True)
    session.commit()
    assert client.get("/api/auth/me").status_code == 401
    fresh = TestClient(app)
    make_user(session, "sess_off", Role.operator, "C11")
    login(fresh, "sess_off")
    off = repository.get_user(session, fresh.get("/api/auth/me").json()["id"])
    service.update_user(session, off, actor="admin", is_active=False)
    session.commit()
    assert fresh.get("/api/auth/me").status_code == 401


def test_a_one_time_password_allows_nothing_but_changing_it(
    app: Any, client: TestClient, session: Session
) -> None:
    user, one_time = service.create_user(session, username="sess_new", role=Role.operator, unit_code="C11")
    session.commit()
    assert one_time is not None and user.must_change_password
    login(client, "sess_new", password=one_time)
    refused = client.post("/api/cases", json=CASE_BODY)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "password_change_required"
    assert client.get("/api/cases").status_code == 403
    assert client.get("/api/auth/me").status_code == 200  # who am I, and the change itself, stay open
    page = client.get("/work/intake", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/account/password"
    changed = client.post(
        "/api/auth/password", json={"old_password": one_time, "new_password": "Fresh-horse-83"}
    )
    assert changed.status_code == 200, changed.text
    client.headers["X-CSRF-Token"] = changed.json()["csrf_token"]
    assert client.post("/api/cases", json=CASE_BODY).status_code == 201
