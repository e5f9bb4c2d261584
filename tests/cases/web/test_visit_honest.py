"""Honest 回访: nothing pre-selected, every question answered or 无法联系 chosen (refused otherwise,
naming the question, with nothing written), and a worklist that gives the 回访 role what a call needs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING, act, intake, staff
from zhili.audit.models import AuditEntry
from zhili.cases.models import CaseEvent

HTMX = {"HX-Request": "true"}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _reported(s: Any) -> str:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply="已协调广场舞队改到晚八点前结束。")
    return code


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_visit_form_preselects_nothing(s: Any) -> None:
    code = _reported(s)
    page = s.operator.get("/work/visits").text
    row = page.split(f'data-code="{code}"')[1].split("</article>")[0]
    assert 'type="radio"' in row and "checked" not in row
    assert "无法联系" in row


def test_worklist_shows_the_number_the_reply_and_the_wait(s: Any) -> None:
    code = _reported(s)
    row = s.operator.get("/work/visits").text.split(f'data-code="{code}"')[1].split("</article>")[0]
    assert f'data-testid="visit-phone-{code}"' in row
    assert CASE_BODY["citizen"]["phone"] in row  # in full: the 回访 role calls it
    assert "已协调广场舞队改到晚八点前结束" in row
    assert "反馈后已等" in row


def test_worklist_is_closed_to_units(s: Any) -> None:
    _reported(s)
    assert s.street.get("/work/visits").status_code == 403


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({}, "请选择「是否联系上市民」", "contacted"),
        ({"contacted": "1"}, "请选择「问题是否解决」", "solved"),
        ({"contacted": "1", "solved": "1"}, "请选择「满意度」", "satisfaction"),
        ({"solved": "1", "satisfaction": "satisfied"}, "请选择「是否联系上市民」", "contacted"),
    ],
)
def test_unanswered_visit_is_refused_and_writes_nothing(
    s: Any, session: Session, data: dict[str, str], message: str, field: str
) -> None:
    code = _reported(s)
    events = _count(session, CaseEvent)
    audits = _count(session, AuditEntry)
    response = s.operator.post(f"/cases/{code}/act/visit", data=data, headers=HTMX)
    assert response.status_code == 422
    assert response.headers["HX-Reswap"] == "none"  # the form stays as typed
    assert message in json.loads(response.headers["HX-Trigger"])["zhili-toast"]["message"]
    api = s.operator.post(
        f"/api/cases/{code}/visit", json={k: v == "1" if k != "satisfaction" else v for k, v in data.items()}
    )
    assert api.status_code == 422 and api.json()["error"]["field"] == field
    assert s.operator.get(f"/api/cases/{code}").json()["state"] == "reported"
    assert _count(session, CaseEvent) == events and _count(session, AuditEntry) == audits


def test_unreachable_is_an_explicit_answer(s: Any) -> None:
    code = _reported(s)
    response = s.operator.post(f"/cases/{code}/act/visit", data={"contacted": "0"}, headers=HTMX)
    assert response.status_code == 200, response.text
    detail = s.operator.get(f"/api/cases/{code}").json()
    assert detail["satisfaction"] is None


def test_explicit_answers_close_the_case(s: Any) -> None:
    code = _reported(s)
    data = {"contacted": "1", "solved": "1", "satisfaction": "basically_satisfied"}
    assert s.operator.post(f"/cases/{code}/act/visit", data=data, headers=HTMX).status_code == 200
    detail = s.operator.get(f"/api/cases/{code}").json()
    assert detail["state"] == "closed" and detail["satisfaction"] == "basically_satisfied"
