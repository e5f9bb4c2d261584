"""Pages a newcomer sees: health, the home page counts, local assets only, Chinese errors."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["checks"]["database"]["ok"] is True


def test_home_shows_division_and_unit_counts(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="zh-CN"' in page.text
    for number in ("16", "349", "7,535"):
        assert number in page.text
    assert "承办单位" in page.text


def test_pages_load_nothing_from_outside_the_server(client: TestClient) -> None:
    for path in ("/", "/login"):
        html = client.get(path).text
        sources = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert sources
        external = [s for s in sources if re.match(r"^(https?:)?//", s)]
        assert not external, external


def test_vendored_assets_are_served_locally(client: TestClient) -> None:
    for path in (
        "/static/vendor/htmx.min.js",
        "/static/vendor/pico.min.css",
        "/static/vendor/echarts.min.js",
        "/static/zhili.css",
        "/static/zhili.js",
    ):
        assert client.get(path).status_code == 200, path


def test_unknown_page_is_a_chinese_error_without_trace(client: TestClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "不存在" in page.text
    assert "Traceback" not in page.text
    api = client.get("/api/no-such-thing")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "http_404"


def test_protected_page_redirects_to_login(client: TestClient) -> None:
    response = client.get("/account/password", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")
