"""Helpers for suggestion tests. The reviewers are the 信访 office's officers, so the petition tests'
accounts serve: 朝阳区信访办公室 (its 人民建议征集办公室) reviews, 朝阳区城管委 opens campaigns."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient

from petitions.accounts import client as petition_client

REVIEWER = "office"  # xf_chaoyang, petition_officer of D110105-petitions
HAIDIAN_REVIEWER = "office_haidian"
DEPARTMENT = "body"  # xf_cgw, unit_staff of 朝阳区城管委
OTHER_DEPARTMENT = "other_body"  # xf_env, unit_staff of 朝阳区生态环境局
ADMIN = "admin"
LEADER = "leader"  # supervisor

PHONE = "13700005678"
SUGGESTION = {
    "title": "建议在望京西园增设非机动车停放区",
    "content": "望京西园三区门口共享单车乱停放严重，建议在小区东侧空地划设非机动车停放区并安排专人引导。",
    "division_code": "110105026",
    "name": "王五",
    "phone": PHONE,
}


def client(app: Any, name: str) -> TestClient:
    return petition_client(app, name)


def citizen(app: Any) -> TestClient:
    """A browser on the suggestion portal, with the page's CSRF token as a citizen's would have."""
    browser = TestClient(app)
    page = browser.get("/portal/suggest")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None, page.text[:300]
    browser.headers["X-CSRF-Token"] = token.group(1)
    return browser


def open_campaign(department: TestClient, expect: int = 201, **overrides: Any) -> dict[str, Any]:
    body = {
        "title": "朝阳区背街小巷环境整治金点子征集",
        "topic": "请就背街小巷的停车、绿化和垃圾分类提出建议。",
        "division_code": "110105",
        "closes_on": (date.today() + timedelta(days=30)).isoformat(),
        **overrides,
    }
    response = department.post("/api/suggestions/campaigns", json=body)
    assert response.status_code == expect, response.text
    return dict(response.json())


def submit(browser: TestClient, expect: int = 201, **overrides: Any) -> dict[str, Any]:
    response = browser.post("/api/suggestions/submit", json={**SUGGESTION, **overrides})
    assert response.status_code == expect, response.text
    return dict(response.json())


def step(client: TestClient, code: str, action: str, expect: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post(f"/api/suggestions/items/{code}/{action}", json=body)
    assert response.status_code == expect, f"{action}: {response.status_code} {response.text}"
    return dict(response.json())
