"""/metrics: Prometheus text, latency by route template (never a raw path), intakes by channel, the
analytics store's age; only trusted addresses or the bearer token may read it."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pydantic
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from support.cases import CASE_BODY, staff
from zhili.settings import Settings

TOKEN = "metrics-token-" + "y" * 24


def scrape(app: FastAPI) -> str:
    with TestClient(app, client=("127.0.0.1", 40000)) as local:
        response = local.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def value(text: str, name: str, **labels: str) -> float:
    """The sample ``name{labels…}`` (labels matched as a subset); 0 when absent."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.rsplit("}", 1)[0])) if "{" in line else {}
        if all(found.get(k) == v for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_metrics_are_refused_to_strangers_and_given_to_the_token_or_a_trusted_address(
    app: FastAPI, settings: Settings
) -> None:
    stranger = TestClient(app, client=("203.0.113.9", 5000))
    response = stranger.get("/metrics")
    assert response.status_code == 403 and "监控" in response.json()["error"]["message"]
    assert stranger.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 403
    app.state.settings = settings.model_copy(update={"metrics_token": TOKEN})
    assert stranger.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert stranger.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    app.state.settings = settings.model_copy(update={"metrics_allowed_addresses": ["203.0.113.0/24"]})
    assert stranger.get("/metrics").status_code == 200
    with TestClient(app, client=("127.0.0.1", 1)) as local:
        assert local.get("/metrics").status_code == 403


def test_latency_is_labelled_by_route_template_and_intakes_by_channel(app: FastAPI) -> None:
    before = scrape(app)
    operator = staff(app).operator
    created = operator.post("/api/cases", json=CASE_BODY)
    assert created.status_code == 201, created.text
    code = created.json()["code"]
    assert operator.get(f"/api/cases/{code}").status_code == 200
    assert operator.get("/no/such/page/13812341234").status_code == 404
    after = scrape(app)
    assert (
        value(after, "zhili_intakes_total", channel="phone")
        == value(before, "zhili_intakes_total", channel="phone") + 1
    )
    route = "/api/cases/{code}"
    count = "zhili_http_request_duration_seconds_count"
    assert value(after, count, route=route, method="GET", status="200") >= 1 + value(
        before, count, route=route, method="GET", status="200"
    )
    assert value(after, count, route="unmatched", status="404") >= 1
    assert code not in after and "13812341234" not in after  # no raw path, no personal data
    for name in (
        "zhili_sms_sent",
        "zhili_sms_failed",
        "zhili_jobs",
        "zhili_job_duration_seconds",
        "zhili_job_queue_depth",
    ):
        assert f"# HELP {name}" in after


def test_a_refused_intake_is_not_counted(app: FastAPI) -> None:
    before = value(scrape(app), "zhili_intakes_total")
    response = staff(app).operator.post("/api/cases", json={**CASE_BODY, "urgency": "不存在的紧急程度"})
    assert response.status_code == 422
    assert value(scrape(app), "zhili_intakes_total") == before


def test_the_store_age_is_read_at_scrape_time(app: FastAPI, settings: Settings) -> None:
    assert value(scrape(app), "zhili_analytics_store_age_seconds") == -1  # never synced
    root = settings.resolved_analytics_dir
    root.mkdir(parents=True)
    synced = datetime.now(UTC) - timedelta(hours=1)
    (root / "_state.json").write_text(json.dumps({"synced_at": synced.isoformat()}))
    age = value(scrape(app), "zhili_analytics_store_age_seconds")
    assert 3590 <= age <= 3600 + 600


def test_a_malformed_trusted_address_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZHILI_METRICS_ALLOWED_ADDRESSES", "127.0.0.1,intranet")
    with pytest.raises(pydantic.ValidationError, match="not an address"):
        Settings(environment="test")
    monkeypatch.setenv("ZHILI_METRICS_ALLOWED_ADDRESSES", "10.0.0.0/8, ::1")
    assert Settings(environment="test").metrics_allowed_addresses == ["10.0.0.0/8", "::1"]
