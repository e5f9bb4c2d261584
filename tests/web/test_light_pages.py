"""Light pages: compressed answers, static files under content-hashed names cached for a year, a
favicon, and a citizen portal that loads no ECharts."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from zhili.web.assets import IMMUTABLE, asset_url

GZIP = {"Accept-Encoding": "gzip"}


def test_pages_and_static_files_are_compressed(app: Any) -> None:
    citizen = TestClient(app)
    page = citizen.get("/portal", headers=GZIP)
    assert page.status_code == 200 and page.headers.get("content-encoding") == "gzip"
    css = citizen.get(asset_url("vendor/pico.min.css"), headers=GZIP)
    assert css.status_code == 200 and css.headers.get("content-encoding") == "gzip"


def test_hashed_static_names_are_immutable_and_plain_names_revalidate(app: Any) -> None:
    citizen = TestClient(app)
    page = citizen.get("/portal").text
    linked = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert linked and all(re.search(r"\.[0-9a-f]{10}\.(css|js|svg)$", url) for url in linked), linked
    for url in linked:
        answer = citizen.get(url)
        assert answer.status_code == 200 and answer.headers["cache-control"] == IMMUTABLE
    plain = citizen.get("/static/zhili.css")
    assert plain.status_code == 200 and plain.headers["cache-control"] == "no-cache"
    assert citizen.get("/static/zhili.0000000000.css").status_code in (200, 404)
    assert citizen.get("/static/missing.0123456789.css").status_code == 404


def test_favicon_is_served(app: Any) -> None:
    icon = TestClient(app).get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")


def test_portal_loads_no_echarts(app: Any) -> None:
    citizen = TestClient(app)
    for path in ("/portal", "/portal/track"):
        page = citizen.get(path).text
        assert "echarts" not in page
