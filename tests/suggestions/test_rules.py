"""Illegal transitions are refused (table-driven, from ``states.RULES``) with a 409 and nothing
written; bad inputs are refused whole with a Chinese message naming the field; a refused web form
comes back with what was typed."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from suggestions.accounts import (
    DEPARTMENT,
    REVIEWER,
    SUGGESTION,
    citizen,
    client,
    open_campaign,
    step,
    submit,
)
from zhili.suggestions.models import Suggestion, SuggestionCampaign, SuggestionStep
from zhili.suggestions.states import RULES

TABLES = (Suggestion, SuggestionStep, SuggestionCampaign)
# A path to each state, and the state's label in the refusal.
PATHS: dict[str, tuple[list[tuple[str, dict[str, Any]]], str]] = {
    "submitted": ([], "已提交"),
    "reviewing": ([("review", {})], "审阅中"),
    "adopted": ([("review", {}), ("adopt", {"text": "可行"})], "采纳"),
    "partly_adopted": ([("review", {}), ("partly_adopt", {"text": "部分可行"})], "部分采纳"),
    "kept": ([("review", {}), ("keep", {"text": "留存"})], "留存参考"),
    "declined": ([("review", {}), ("decline", {"text": "不可行"})], "不予采纳"),
}
EVERYTHING = {"text": "说明", "unit": "D110105-urban_management", "year": 2026}


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(int(session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES)


def test_illegal_transitions_are_refused_and_write_nothing(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    browser = citizen(app)
    for state, (path, label) in PATHS.items():
        code = submit(browser)["code"]
        for action, body in path:
            step(reviewer, code, action, **body)
        before = _counts(session)
        refused = [name for name, rule in RULES.items() if state not in {s.value for s in rule.sources}]
        assert refused, state
        for action in refused:
            response = reviewer.post(f"/api/suggestions/items/{code}/{action}", json=EVERYTHING)
            assert response.status_code == 409, (state, action, response.text)
            assert f"建议当前为“{label}”" in response.json()["error"]["message"], action
        assert _counts(session) == before
        assert session.execute(select(Suggestion.state).where(Suggestion.code == code)).scalar_one() == state
    unknown = reviewer.post(f"/api/suggestions/items/{code}/approve", json={})
    assert unknown.status_code == 404 and "未知的审阅环节" in unknown.json()["error"]["message"]


def test_a_result_is_recorded_once_and_a_suggestion_is_excellent_once(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    code = submit(citizen(app))["code"]
    for action, body in (
        ("review", {}),
        ("adopt", {"text": "可行"}),
        ("record_result", {"text": "纳入方案"}),
    ):
        step(reviewer, code, action, **body)
    step(reviewer, code, "mark_excellent")
    before = _counts(session)
    assert step(reviewer, code, "record_result", 409, text="再次登记")["error"]["message"] == "成果转化已登记"
    assert "已评为" in step(reviewer, code, "mark_excellent", 409)["error"]["message"]
    assert _counts(session) == before


BAD_SUBMISSIONS: list[tuple[dict[str, Any], str, str]] = [
    ({"title": ""}, "title", ""),
    ({"content": "太短"}, "content", ""),
    ({"phone": "abc"}, "phone", ""),
    ({"name": None}, "name", ""),
    ({"division_code": "12"}, "division_code", ""),
    ({"division_code": "110105999"}, "division_code", "区划编码 110105999 不存在"),
    ({"campaign": "ZJ20000101000001"}, "campaign", "征集活动不存在或已截止"),
    ({"consent_publish": "maybe"}, "consent_publish", ""),
    ({"extra": 1}, "extra", ""),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD_SUBMISSIONS)
def test_a_bad_submission_is_refused_whole(
    app: Any, session: Session, change: dict[str, Any], field: str, words: str
) -> None:
    browser = citizen(app)
    before = _counts(session)
    response = browser.post("/api/suggestions/submit", json={**SUGGESTION, **change})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


BAD_CAMPAIGNS: list[tuple[dict[str, Any], str, str]] = [
    ({"title": ""}, "title", ""),
    ({"closes_on": "2000-01-01"}, "closes_on", "截止日期不能早于"),
    ({"closes_on": "not a date"}, "closes_on", ""),
    ({"division_code": "110108"}, "division_code", "不在本单位辖区内"),
    ({"division_code": "110105999"}, "division_code", "不存在"),
]


@pytest.mark.parametrize(("change", "field", "words"), BAD_CAMPAIGNS)
def test_a_bad_campaign_is_refused_whole(
    app: Any, session: Session, change: dict[str, Any], field: str, words: str
) -> None:
    department = client(app, DEPARTMENT)
    before = _counts(session)
    error = open_campaign(department, 422, **change)["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


BAD_STEPS: list[tuple[str, dict[str, Any], str, str]] = [
    ("adopt", {}, "text", "请填写采纳的理由"),
    ("decline", {"text": ""}, "text", "请填写不予采纳的理由"),
    ("forward", {}, "unit", "请选择转请研提意见的部门"),
    ("forward", {"unit": "NOPE"}, "unit", "单位编码 NOPE 不存在"),
    ("keep", {"text": "x" * 5001}, "text", ""),
]


@pytest.mark.parametrize(("action", "body", "field", "words"), BAD_STEPS)
def test_a_bad_step_is_refused_whole(
    app: Any, session: Session, action: str, body: dict[str, Any], field: str, words: str
) -> None:
    reviewer = client(app, REVIEWER)
    code = submit(citizen(app))["code"]
    step(reviewer, code, "review")
    before = _counts(session)
    response = reviewer.post(f"/api/suggestions/items/{code}/{action}", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


def test_refused_forms_keep_what_was_typed(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    department = client(app, DEPARTMENT)
    browser = citizen(app)
    before = _counts(session)
    portal = browser.post(
        "/portal/suggest",
        data={**SUGGESTION, "title": "我的标题保留", "phone": "电话号码不对啊", "consent_publish": "on"},
    )
    assert portal.status_code == 422
    assert "手机号码格式不正确" in portal.text and "我的标题保留" in portal.text and "checked" in portal.text
    campaign = department.post(
        "/suggestions/campaigns",
        data={"title": "征集标题保留", "topic": "主题", "division_code": "110108", "closes_on": "2999-01-01"},
    )
    assert campaign.status_code == 422
    assert "不在本单位辖区内" in campaign.text and "征集标题保留" in campaign.text
    assert _counts(session) == before

    code = submit(browser)["code"]
    step(reviewer, code, "review")
    after_review = _counts(session)
    empty = reviewer.post(f"/suggestions/items/{code}/act", data={"action": "adopt", "text": ""})
    assert empty.status_code == 422 and "请填写采纳的理由" in empty.text
    wrong_unit = reviewer.post(
        f"/suggestions/items/{code}/act", data={"action": "forward", "unit": "NOPE", "text": "请研究保留"}
    )
    assert wrong_unit.status_code == 422 and "NOPE" in wrong_unit.text and "请研究保留" in wrong_unit.text
    assert _counts(session) == after_review
    done = reviewer.post(
        f"/suggestions/items/{code}/act", data={"action": "adopt", "text": "可行"}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == f"/suggestions/items/{code}"
