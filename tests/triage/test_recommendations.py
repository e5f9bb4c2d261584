"""The recommendation made at intake, the dispatcher's manual queue (accept / override), training
from the database with overrides as corrections, and knowledge-base suggestions for a 咨询."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CHAOYANG_ENV, WANGJING, intake, staff
from zhili.cases.models import Case, CaseEvent
from zhili.cases.states import CaseState
from zhili.taxonomy.models import Category
from zhili.triage import model_store
from zhili.triage.models import TriageOverride
from zhili.triage.training import train_from_db

# Says nothing the taxonomy keywords know: the cold-start classifier cannot tell, so a person must.
VAGUE = {"category": None, "title": "有个事情想说一下", "description": "具体情况电话里说吧，请尽快回电。"}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _rec(client: TestClient, code: str, expect: int = 200) -> dict[str, Any]:
    response = client.get(f"/api/cases/{code}/recommendation")
    assert response.status_code == expect, response.text
    return dict(response.json())


def _queue(client: TestClient) -> list[str]:
    response = client.get("/api/triage/queue")
    assert response.status_code == 200, response.text
    return [item["case"] for item in response.json()["items"]]


def test_intake_stores_an_explained_recommendation(s: Any, session: Session) -> None:
    code = intake(s.operator)  # 社会生活噪声 (020201) in 望京, chosen by the operator
    rec = _rec(s.dispatcher, code)
    assert rec["category"] == "020201"
    assert rec["confidence"] == 1.0 and rec["needs_review"] is False and rec["status"] == "pending"
    # The default rule 噪声扰民直派街乡 (0202 → street): 望京街道 first.
    assert (rec["lead_unit"], rec["dispatch_mode"]) == (WANGJING, "street")
    assert rec["model_version"] == model_store.COLD_START
    top = rec["categories"][0]  # the most specific category, not the first level
    assert (top["label"], top["category"]) == ("社会生活噪声", "020201")
    assert len(rec["categories"]) == 3
    assert abs(sum(c["probability"] for c in rec["categories"]) - 1) < 0.5
    assert "广场舞" in rec["explanation"]["keywords"]
    assert rec["explanation"]["category_source"] == "intake"
    assert rec["demand_types"] and rec["duplicates"] == [] and rec["knowledge"] == []
    assert code not in _queue(s.dispatcher)
    # Units outside the case's scope cannot read it; units inside can.
    assert _rec(s.other_street, code, expect=404)["error"]["message"]
    assert _rec(s.street, code)["case"] == code


def test_the_model_decides_the_category_when_the_operator_did_not(s: Any) -> None:
    code = intake(
        s.operator, category=None, title="小区停水三天了", description="自来水一直没水，水压也很低。"
    )
    rec = _rec(s.dispatcher, code)
    assert rec["categories"][0]["label"] == "停水与水压"
    assert rec["category"] == "120101" and rec["explanation"]["category_source"] == "model"
    assert rec["lead_unit"] == "E11-WATER" and rec["dispatch_mode"] == "city"
    assert "停水" in rec["explanation"]["keywords"]


def test_low_confidence_goes_to_the_queue_and_accept_dispatches_it(s: Any, session: Session) -> None:
    code = intake(s.operator, **VAGUE)
    rec = _rec(s.dispatcher, code)
    assert rec["needs_review"] is True and rec["confidence"] < 0.6
    assert code in _queue(s.dispatcher)
    assert s.street.get("/api/triage/queue").status_code == 403

    response = s.dispatcher.post(f"/api/cases/{code}/recommendation/accept", json={"note": "同意"})
    assert response.status_code == 200, response.text
    case = response.json()
    assert case["state"] == "dispatched" and case["lead_unit"] == rec["lead_unit"]
    assert code not in _queue(s.dispatcher)
    after = _rec(s.dispatcher, code)
    assert (after["status"], after["decided_by"]) == ("accepted", "disp_a")
    events = session.scalars(
        select(CaseEvent.action).join(Case, Case.id == CaseEvent.case_id).where(Case.code == code)
    ).all()
    assert events == ["intake", "dispatch"]  # the lifecycle's own dispatch, nothing copied
    again = s.dispatcher.post(f"/api/cases/{code}/recommendation/accept", json={})
    assert again.status_code == 409


def _overrides(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(TriageOverride)) or 0)


def test_override_is_recorded_and_used_by_from_db_training(s: Any, session: Session, tmp_path: Path) -> None:
    noise = intake(s.operator, **VAGUE)
    bus = intake(
        s.operator, **{**VAGUE, "title": "公交车站牌被撞坏了", "description": "站牌倒在路边，请尽快修。"}
    )
    closed = intake(s.operator)  # 020201, closed below
    response = s.dispatcher.post(
        f"/api/cases/{noise}/recommendation/override",
        json={"category": "0202", "lead_unit": CHAOYANG_ENV, "reason": "实为噪声扰民"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["lead_unit"] == CHAOYANG_ENV and response.json()["category"] == "0202"
    response = s.dispatcher.post(
        f"/api/cases/{bus}/recommendation/override", json={"category": "0301", "lead_unit": "E11-BUS"}
    )
    assert response.status_code == 200, response.text
    row = session.scalars(select(TriageOverride).order_by(TriageOverride.id)).first()
    assert row is not None
    assert (row.category_code, row.lead_unit_code, row.reason, row.created_by) == (
        "0202",
        CHAOYANG_ENV,
        "实为噪声扰民",
        "disp_a",
    )
    assert _rec(s.dispatcher, noise)["status"] == "overridden"

    # A closed case counts with its own category; overridden cases with the dispatcher's.
    case = session.scalars(select(Case).where(Case.code == closed)).one()
    case.state = CaseState.closed
    session.flush()
    result = train_from_db(session, root=tmp_path)
    meta = model_store.list_versions(tmp_path, "category")[-1]
    assert meta["training"]["overrides_used"] == 2 and meta["training"]["closed_cases"] == 1
    assert meta["training"]["class_counts"] == {"环境保护": 2, "交通运输": 1}
    model = model_store.load_active_from(tmp_path, "category")
    assert result.n == 3 and sorted(model.labels) == ["交通运输", "环境保护"]
    assert model.top_k("公交车站牌被撞坏了", 1)[0][0] == "交通运输"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lead_unit": "D110105-nonexistent"}, "lead_unit"),
        ({"lead_unit": CHAOYANG_ENV, "category": "999999"}, "category"),
        ({"lead_unit": CHAOYANG_ENV, "co_units": ["X-unknown"]}, "co_units"),
        ({"lead_unit": ""}, "lead_unit"),
        ({"category": "0202"}, "lead_unit"),
        ({"lead_unit": CHAOYANG_ENV, "colour": "red"}, "colour"),
    ],
)
def test_bad_overrides_are_refused_and_nothing_is_written(
    s: Any, session: Session, body: dict[str, Any], field: str
) -> None:
    code = intake(s.operator, **VAGUE)
    before = _overrides(session)
    response = s.dispatcher.post(f"/api/cases/{code}/recommendation/override", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field and response.json()["error"]["message"]
    assert _overrides(session) == before
    assert _rec(s.dispatcher, code)["status"] == "pending"
    assert s.dispatcher.get(f"/api/cases/{code}").json()["state"] == "received"


def test_only_dispatchers_decide_and_unknown_cases_are_404(s: Any, session: Session) -> None:
    code = intake(s.operator, **VAGUE)
    before = _overrides(session)
    assert s.operator.post(f"/api/cases/{code}/recommendation/accept", json={}).status_code == 403
    assert (
        s.street.post(
            f"/api/cases/{code}/recommendation/override", json={"lead_unit": CHAOYANG_ENV}
        ).status_code
        == 403
    )
    assert s.dispatcher.post("/api/cases/BJ000/recommendation/accept", json={}).status_code == 404
    assert _rec(s.dispatcher, "BJ000", expect=404)["error"]["message"]
    assert _overrides(session) == before and _rec(s.dispatcher, code)["status"] == "pending"


def test_a_consultation_gets_knowledge_base_suggestions(s: Any, session: Session) -> None:
    category = session.scalars(select(Category).where(Category.code == "010101")).one()
    assert category is not None
    created = s.dispatcher.post(
        "/api/knowledge",
        json={
            "question": "公租房申请需要什么条件？",
            "answer": "须具有本市户籍或有效居住证，家庭收入和住房符合标准，向街道提交申请。",
            "category": "010101",
            "keywords": "公租房;申请条件",
        },
    )
    assert created.status_code == 201, created.text
    code = intake(
        s.operator,
        demand_type="咨询",
        category=None,
        title="请问公租房怎么申请",
        description="想咨询一下公租房申请需要什么条件，去哪里申请。",
    )
    rec = _rec(s.dispatcher, code)
    assert rec["knowledge"] and rec["knowledge"][0]["id"] == created.json()["id"]
    assert rec["knowledge"][0]["question"] == "公租房申请需要什么条件？"
    live = s.dispatcher.get(f"/api/cases/{code}/knowledge")
    assert live.status_code == 200 and live.json()[0]["id"] == created.json()["id"]
    # A complaint is not looked up at intake.
    assert _rec(s.dispatcher, intake(s.operator))["knowledge"] == []
