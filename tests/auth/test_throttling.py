"""Issue 16 #15: guessing is slowed without locking the real user out, limits are shared by every app
server (Redis), and X-Forwarded-For is believed only from proxies named in ZHILI_TRUSTED_PROXIES."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from support.accounts import PASSWORD, make_user
from zhili.app import create_app
from zhili.auth.models import LoginFailure, Role
from zhili.db import Database
from zhili.kernel.clock import as_aware
from zhili.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"


def _attempt(client: TestClient, username: str, password: str) -> Any:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def _let_time_pass(session: Session, username: str, seconds: int) -> None:
    """The failures happened ``seconds`` earlier (instead of the test sleeping)."""
    failures = session.execute(select(LoginFailure).where(LoginFailure.username == username)).scalars()
    for failure in failures:
        failure.at = as_aware(failure.at) - timedelta(seconds=seconds)
    session.commit()


def test_an_attacker_cannot_lock_the_real_user_out(app: Any, session: Session, settings: Settings) -> None:
    """Before: five wrong passwords locked any account, admin included, for 15 minutes."""
    make_user(session, "admin_bo", Role.admin)
    refusals = []
    for n in range(40):  # an attacker spread over 40 addresses, so no address limit helps
        attacker = TestClient(app, client=(f"203.0.113.{n + 1}", 40000))
        response = _attempt(attacker, "admin_bo", f"guess-{n}-xxxxxx")
        assert response.status_code in (401, 429)
        if response.status_code == 429:
            refusals.append(int(response.headers["Retry-After"]))
    assert refusals and max(refusals) <= settings.login_backoff_max_seconds  # never a 15-minute lock

    user = TestClient(app, client=("198.51.100.7", 40000))
    _let_time_pass(session, "admin_bo", settings.login_backoff_max_seconds)
    assert _attempt(user, "admin_bo", PASSWORD).status_code == 200


def test_waits_grow_with_each_failure_up_to_the_cap(app: Any, session: Session) -> None:
    make_user(session, "op_bo", Role.operator, "C11")
    client = TestClient(app)
    waits = []
    for n in range(9):
        response = _attempt(client, "op_bo", f"bad-{n}-xxxxxx")
        if response.status_code == 429:  # the test waits each time out by moving the failures back
            waits.append(int(response.headers["Retry-After"]))
            _let_time_pass(session, "op_bo", int(response.headers["Retry-After"]))
            assert _attempt(client, "op_bo", f"bad-{n}-xxxxxx").status_code == 401
    assert waits[:3] == sorted(waits[:3]) and waits[0] < waits[2] <= 60


def test_each_address_is_limited_across_accounts(db: Database, tmp_path: Any) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, secret_key="t" * 40, login_address_failures=3)
    app = create_app(settings, database=db)
    client = TestClient(app)
    for n in range(3):
        assert _attempt(client, f"nobody{n}", "wrong-password-1").status_code == 401
    limited = _attempt(client, "someone-else", "wrong-password-1")
    assert limited.status_code == 429
    assert "该地址" in limited.json()["error"]["message"]
    other = TestClient(app, client=("198.51.100.9", 40000))
    assert _attempt(other, "someone-else", "wrong-password-1").status_code == 401


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(db: Database, tmp_path: Any) -> None:
    base = {"environment": "test", "data_dir": tmp_path, "secret_key": "t" * 40, "login_address_failures": 2}
    spoofed = {"X-Forwarded-For": "192.0.2.50"}

    # Default: no proxy is trusted, not even 127.0.0.1; each new X-Forwarded-For changes nothing.
    plain = TestClient(create_app(Settings(**base), database=db), client=("127.0.0.1", 40000))
    for n in range(2):
        response = plain.post(
            "/api/auth/login",
            json={"username": "x-user", "password": "wrong-password-1"},
            headers={"X-Forwarded-For": f"192.0.2.{n + 1}"},
        )
        assert response.status_code == 401
    assert _attempt(plain, "x-user", "wrong-password-1").status_code == 429

    # Behind a named proxy, the forwarded address is the client's: another client is not limited.
    proxied = create_app(Settings(**base, trusted_proxies=["10.0.0.0/8"]), database=db)
    via_proxy = TestClient(proxied, client=("10.1.2.3", 40000))
    for _ in range(2):
        via_proxy.post("/api/auth/login", json={"username": "y", "password": "wrong-pw-1"}, headers=spoofed)
    assert (
        via_proxy.post(
            "/api/auth/login", json={"username": "y", "password": "wrong-pw-1"}, headers=spoofed
        ).status_code
        == 429
    )
    other = via_proxy.post(
        "/api/auth/login",
        json={"username": "y2", "password": "wrong-pw-1"},
        headers={"X-Forwarded-For": "192.0.2.51"},
    )
    assert other.status_code == 401


def test_settings_refuse_a_proxy_that_is_not_an_address() -> None:
    with pytest.raises(ValueError, match="TRUSTED_PROXIES"):
        Settings(trusted_proxies="proxy.example")  # type: ignore[arg-type]
    assert Settings(trusted_proxies="10.0.0.1, 172.16.0.0/12").trusted_proxies == [
        "10.0.0.1",
        "172.16.0.0/12",
    ]  # type: ignore[arg-type]


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"Redis at {REDIS_URL} is unreachable: {type(exc).__name__}")


def test_a_limit_tripped_on_one_server_holds_on_the_other(db: Database, tmp_path: Any) -> None:
    """Two app instances share one Redis, as two app servers behind a load balancer do."""
    _redis_or_skip()
    shared = {
        "environment": "test",
        "data_dir": tmp_path,
        "secret_key": "t" * 40,
        "rate_limit_storage": REDIS_URL,
        "rate_limit_key_prefix": f"zhili-test-{uuid.uuid4().hex}",
    }
    first = TestClient(create_app(Settings(**shared), database=db))
    second = TestClient(create_app(Settings(**shared), database=db))
    for n in range(30):  # TRACK_PER_MINUTE, on the first server
        assert first.get(f"/api/track/BJ20990101{n:06d}", params={"phone_tail": "1234"}).status_code == 404
    refused = second.get("/api/track/BJ20990101000099", params={"phone_tail": "1234"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0

    # A separate memory store (the embedded default) does not see the first server's count.
    alone = TestClient(create_app(Settings(**{**shared, "rate_limit_storage": "memory://"}), database=db))
    assert alone.get("/api/track/BJ20990101000099", params={"phone_tail": "1234"}).status_code == 404


def test_an_unreachable_store_lets_requests_through(db: Database, tmp_path: Any, caplog: Any) -> None:
    """Redis down: public pages still answer (unlimited, and logged), rather than 500 on every request."""
    settings = Settings(
        environment="test", data_dir=tmp_path, secret_key="t" * 40, rate_limit_storage="redis://127.0.0.1:1/0"
    )
    client = TestClient(create_app(settings, database=db))
    with caplog.at_level("ERROR", logger="zhili.ratelimit"):
        answers = [client.get("/api/track/BJ20990101000001", params={"phone_tail": "1234"}) for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 404]
    assert caplog.text.count("rate-limit store unavailable") == 1
