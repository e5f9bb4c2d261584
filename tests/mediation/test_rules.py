"""Illegal transitions are refused (table-driven, from ``states.RULES``) and write nothing; bad
input gets a clear Chinese error naming its field, and nothing is half-written."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts import AGREEMENT, NEIGHBOURS, PARTIES, SESSION, client, register, registry, step
from zhili.mediation.models import Dispute, DisputeCaseLink, DisputeParty, DisputeSession, DisputeStep
from zhili.mediation.states import RULES

TABLES = (Dispute, DisputeParty, DisputeStep, DisputeSession, DisputeCaseLink)
EVERYTHING = {
    "place": "调解室",
    "attendees": [1, 2],
    "notes": "x",
    "next_path": "arbitration",
    "court": "某法院",
    "confirmed": True,
    "performed": True,
    **AGREEMENT,
}

# state → (the steps that bring a new dispute there, its label)
PATHS: dict[str, tuple[list[tuple[str, dict[str, Any]]], str]] = {
    "registered": ([], "待分流"),
    "routed": ([("route", {})], "待调解"),
    "mediating": ([("route", {}), ("session", SESSION)], "调解中"),
    "agreed": ([("route", {}), ("session", SESSION), ("succeed", AGREEMENT)], "调解成功，待回访"),
    "failed": ([("route", {}), ("fail", {"notes": "分歧大", "next_path": "arbitration"})], "调解不成"),
    "performed": (
        [
            ("route", {}),
            ("session", SESSION),
            ("succeed", AGREEMENT),
            ("follow_up", {"performed": True, "notes": "已履行"}),
        ],
        "协议已履行",
    ),
}


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(int(session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES)


def test_illegal_transitions_are_refused_and_write_nothing(app: Any, session: Session) -> None:
    registry(app)
    worker = client(app, "worker")
    for state, (path, label) in PATHS.items():
        code = register(worker)["code"]
        for action, body in path:
            step(worker, code, action, **body)
        before = _counts(session)
        refused = [name for name, rule in RULES.items() if state not in {s.value for s in rule.sources}]
        assert refused, state
        for action in refused:
            response = worker.post(f"/api/mediation/disputes/{code}/{action}", json=EVERYTHING)
            assert response.status_code == 409, (state, action, response.text)
            assert f"纠纷当前为“{label}”" in response.json()["error"]["message"], action
        assert _counts(session) == before
        assert session.execute(select(Dispute.state).where(Dispute.code == code)).scalar_one().value == state
    unknown = worker.post(f"/api/mediation/disputes/{code}/approve", json={})
    assert unknown.status_code == 404 and "未知的调解环节" in unknown.json()["error"]["message"]


BAD_REGISTRATIONS: list[tuple[dict[str, Any], int, str, str]] = [
    ({"parties": PARTIES[:1]}, 422, "parties", ""),
    ({"parties": [PARTIES[0], {"name": "吴二亮", "id_number": "12345"}]}, 422, "parties.1.id_number", ""),
    ({"kind": "weather"}, 422, "kind", ""),
    ({"source": "court"}, 422, "referring_body", "请填写委派的法院"),
    ({"source": "department"}, 422, "referring_body", "请填写移送的部门"),
    ({"source": "hotline"}, 422, "case_codes", "须填写诉求编号"),
    (
        {"source": "hotline", "case_codes": ["BJ20990101000001"]},
        422,
        "case_codes",
        "诉求编号 BJ20990101000001 不存在",
    ),
    ({"source": "grid"}, 422, "field_event_id", "须填写巡查事件编号"),
    ({"source": "grid", "field_event_id": 999999}, 422, "field_event_id", "巡查事件 999999 不存在"),
    ({"division_code": "110105999"}, 422, "division_code", "区划编码 110105999 不存在"),
    ({"division_code": "110105011"}, 422, "division_code", "不在您的辖区内"),
    ({"division_code": None}, 422, "division_code", "请填写纠纷发生地"),
    ({"received_at": "2999-01-01T00:00:00+08:00"}, 422, "received_at", ""),
    ({"title": ""}, 422, "title", ""),
]


@pytest.mark.parametrize(("change", "status", "field", "words"), BAD_REGISTRATIONS)
def test_a_bad_registration_is_refused_whole(
    app: Any, session: Session, change: dict[str, Any], status: int, field: str, words: str
) -> None:
    worker = client(app, "worker")
    before = _counts(session)
    response = worker.post("/api/mediation/disputes", json={**NEIGHBOURS, **change})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


BAD_STEPS: list[tuple[str, dict[str, Any], str, str]] = [
    ("session", {"attendees": [1], "notes": "谈话"}, "place", "请填写调解地点"),
    ("session", {"place": "调解室", "attendees": [1]}, "notes", "请填写调解情况"),
    ("session", {"place": "调解室", "notes": "谈话"}, "attendees", "请选择到场的当事人"),
    ("session", {"place": "调解室", "notes": "谈话", "attendees": [3]}, "attendees", "1–2"),
    ("session", {**SESSION, "mediator_id": 999999}, "mediator_id", "所选调解员不存在"),
    ("session", {**SESSION, "at": "2999-01-01T00:00:00+08:00"}, "at", ""),
    ("fail", {"next_path": "litigation"}, "notes", "请填写调解不成的原因"),
    ("fail", {"notes": "分歧大"}, "next_path", "请选择后续途径"),
    ("fail", {"notes": "分歧大", "next_path": "prayer"}, "next_path", ""),
]


@pytest.mark.parametrize(("action", "body", "field", "words"), BAD_STEPS)
def test_a_bad_step_is_refused_whole(
    app: Any, session: Session, action: str, body: dict[str, Any], field: str, words: str
) -> None:
    registry(app)
    worker = client(app, "worker")
    code = register(worker)["code"]
    step(worker, code, "route")
    before = _counts(session)
    response = worker.post(f"/api/mediation/disputes/{code}/{action}", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


def test_a_bad_agreement_and_a_route_without_a_committee_are_refused(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    code = register(worker)["code"]
    nowhere = step(worker, code, "route", expect=422)
    assert nowhere["error"]["field"] == "committee_id"
    assert "纠纷发生地没有登记人民调解组织" in nowhere["error"]["message"]
    registry(app)
    step(worker, code, "route")
    step(worker, code, "session", **SESSION)
    for change, field, words in [
        ({"terms": None}, "terms", "请填写调解协议内容"),
        ({"performance_due": None}, "performance_due", "请填写履行期限"),
        ({"performance_due": "2001-01-01"}, "performance_due", "不早于协议签订之日"),
        ({"performance_method": None}, "performance_method", "请填写履行方式"),
    ]:
        before = _counts(session)
        bad = step(worker, code, "succeed", expect=422, **{**AGREEMENT, **change})
        assert bad["error"]["field"] == field and words in bad["error"]["message"], bad
        assert _counts(session) == before
    assert step(worker, code, "succeed", **AGREEMENT)["state"] == "agreed"
    assert step(worker, code, "confirmation_result", expect=409, confirmed=True)["error"]["message"]
    assert step(worker, code, "apply_confirmation", expect=422)["error"]["field"] == "court"
    assert step(worker, code, "follow_up", expect=422, notes="回访")["error"]["field"] == "performed"
