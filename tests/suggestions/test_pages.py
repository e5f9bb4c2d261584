"""Every 人民建议征集 page answers in Chinese for the roles it serves, with no English codes showing,
and refuses those it does not serve."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from suggestions.accounts import DEPARTMENT, LEADER, REVIEWER, citizen, client, open_campaign, step, submit
from support.cases import staff

CODES = re.compile(
    r">[^<]*\b(submitted|reviewing|adopted|partly_adopted|kept|declined|portal|campaign|hotline|"
    r"adopt|decline|record_result|mark_excellent|None)\b[^<]*<"
)


def _chinese_page(who: TestClient, path: str) -> str:
    response = who.get(path)
    assert response.status_code == 200, (path, response.status_code, response.text[:300])
    assert not CODES.search(response.text), (path, CODES.search(response.text))
    return response.text


def test_every_page_in_chinese(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    department = client(app, DEPARTMENT)
    leader = client(app, LEADER)
    operator = staff(app).operator
    browser = citizen(app)
    campaign = open_campaign(department)
    code = submit(browser, campaign=campaign["code"])["code"]
    step(reviewer, code, "review")
    step(reviewer, code, "adopt", text="可行")
    for who, path in (
        (reviewer, "/suggestions"),
        (reviewer, "/suggestions?state=adopted&source=campaign"),
        (reviewer, f"/suggestions/items/{code}"),
        (reviewer, "/suggestions/campaigns"),
        (reviewer, "/suggestions/figures"),
        (department, "/suggestions"),
        (department, f"/suggestions/items/{code}"),
        (department, "/suggestions/campaigns"),
        (leader, "/suggestions/figures"),
        (browser, "/portal/calls"),
        (browser, "/portal/suggest"),
        (browser, "/portal/suggest/track"),
        (browser, "/portal/suggest/excellent"),
        (browser, "/portal/suggest/excellent?year=2025"),
    ):
        _chinese_page(who, path)
    assert "登记成果转化" in _chinese_page(reviewer, f"/suggestions/items/{code}")
    assert "登记成果转化" not in _chinese_page(department, f"/suggestions/items/{code}")
    for path in ("/suggestions", "/suggestions/campaigns", f"/suggestions/items/{code}"):
        assert operator.get(path).status_code == 403
        assert TestClient(app).get(path, follow_redirects=False).status_code in (302, 303, 401)
    assert reviewer.get("/portal/suggest/excellent?year=1").status_code == 422
