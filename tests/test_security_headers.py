"""Security headers on every response; inline scripts run only with the request's nonce; the API
documentation is served from this server, open in development and behind sign-in in production."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from zhili.app import create_app
from zhili.kernel.crypto import new_data_key
from zhili.settings import Settings


@pytest.mark.parametrize("path", ["/healthz", "/", "/portal", "/api/divisions", "/login", "/docs"])
def test_every_answer_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_a_pages_inline_scripts_carry_that_requests_nonce(client: TestClient) -> None:
    first, second = client.get("/docs"), client.get("/docs")
    nonce = re.search(r"'nonce-([^']+)'", first.headers["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    assert f'nonce="{nonce}"' in first.text and nonce not in second.text
    assert "/static/vendor/swagger-ui-bundle.js" in first.text and "cdn" not in first.text.lower()


def test_no_page_has_inline_event_handlers() -> None:
    from zhili.web.templating import TEMPLATE_DIR

    handlers = re.compile(r"\son[a-z]+\s*=|javascript:", re.IGNORECASE)
    found = [p.name for p in TEMPLATE_DIR.rglob("*.html") if handlers.search(p.read_text(encoding="utf-8"))]
    assert found == []


def test_production_keeps_the_api_docs_behind_sign_in(database: Any, tmp_path: Any) -> None:
    settings = Settings(
        environment="production", secret_key="s" * 40, data_key=new_data_key(), data_dir=tmp_path
    )
    client = TestClient(create_app(settings, database=database), base_url="https://testserver")
    assert client.get("/openapi.json", headers={"Accept": "application/json"}).status_code == 401
    docs = client.get("/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"].startswith("/login")
