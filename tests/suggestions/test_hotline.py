"""A 12345 建议 demand flows to 人民建议征集: it becomes a suggestion linked to the case, and the case
is closed with a note (in Chinese) telling the citizen where it went; the operator or dispatcher may
keep it as a case instead. Other demand types are untouched."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suggestions.accounts import REVIEWER, client, step
from support.cases import CASE_BODY, staff
from zhili.suggestions.models import Suggestion

PHONE = CASE_BODY["citizen"]["phone"]


def _suggestion_of(session: Session, case_code: str) -> Suggestion | None:
    from zhili.cases.models import Case

    case_id = session.execute(select(Case.id).where(Case.code == case_code)).scalar_one()
    return session.execute(select(Suggestion).where(Suggestion.case_id == case_id)).scalar_one_or_none()


def test_a_suggestion_demand_becomes_a_suggestion_and_the_case_closes(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)  # every committed account first (SQLite takes one writer)
    desk = staff(app)
    created = desk.operator.post(
        "/api/cases",
        json={**CASE_BODY, "demand_type": "建议", "title": "建议延长社区图书室开放时间"},
    )
    assert created.status_code == 201, created.text
    case_code = created.json()["code"]
    assert created.json()["state"] == "closed"
    suggestion = _suggestion_of(session, case_code)
    assert suggestion is not None and suggestion.source.value == "hotline"
    assert suggestion.division_code.startswith("110105")  # placed where the demand was
    assert suggestion.name_enc and "张三" not in suggestion.name_enc

    # The citizen's case tracking tells where it went, and the code to follow it by.
    tracked = desk.operator.get(f"/api/track/{case_code}", params={"phone_tail": PHONE[-4:]}).json()
    assert tracked["state_label"] == "已办结"
    assert "人民建议征集" in tracked["reply"] and suggestion.code in tracked["reply"]
    assert any(item["label"] == "已转人民建议征集" for item in tracked["timeline"])

    # The 朝阳 office reviews it, and the citizen tracks it with the same phone.
    detail = reviewer.get(f"/api/suggestions/items/{suggestion.code}").json()
    assert detail["case_code"] == case_code and detail["source_label"] == "12345建议转入"
    step(reviewer, suggestion.code, "review")
    step(reviewer, suggestion.code, "keep", text="暂不具备条件，留存参考")
    track = reviewer.get("/api/suggestions/track", params={"code": suggestion.code, "phone_tail": PHONE[-4:]})
    assert track.status_code == 200 and track.json()["state_label"] == "留存参考"


def test_the_dispatcher_may_keep_it_as_a_case(app: Any, session: Session) -> None:
    desk = staff(app)
    created = desk.dispatcher.post(
        "/api/cases", json={**CASE_BODY, "demand_type": "建议", "handle_as_case": True}
    )
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "received"
    assert _suggestion_of(session, created.json()["code"]) is None


def test_other_demand_types_stay_cases(app: Any, session: Session) -> None:
    created = staff(app).operator.post("/api/cases", json=CASE_BODY)
    assert created.status_code == 201, created.text
    assert created.json()["state"] == "received"
    assert _suggestion_of(session, created.json()["code"]) is None
