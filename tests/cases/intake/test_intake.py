"""Intake: validation naming the field, idempotent retries, and nothing half-written on failure."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, staff
from zhili.cases.models import Case, CaseEvent, TrackingCounter


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    cases = session.execute(select(func.count()).select_from(Case)).scalar_one()
    events = session.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
    issued = session.execute(select(func.coalesce(func.sum(TrackingCounter.last), 0))).scalar_one()
    return int(cases), int(events), int(issued)


BAD_INPUTS = [
    ({"title": ""}, "title"),
    ({"title": "   "}, "title"),
    ({"title": "长" * 201}, "title"),
    ({"description": ""}, "description"),
    ({"description": "长" * 5001}, "description"),
    ({"lat": 31.2304, "lng": 121.4737, "address": None}, "lat"),  # Shanghai: outside the city
    ({"lat": 39.99, "lng": None, "address": None}, "lng"),
    ({"lat": 95.0}, "lat"),
    ({"category": "999999"}, "category"),
    ({"channel": "信鸽"}, "channel"),
    ({"demand_type": "抱怨"}, "demand_type"),
    ({"urgency": "十万火急"}, "urgency"),
    ({"citizen": {"phone": "12345"}}, "citizen.phone"),
    ({"citizen": {"id_number": "11010519900101"}}, "citizen.id_number"),
    ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),
    ({"unexpected": "field"}, "unexpected"),
]


@pytest.mark.parametrize(("override", "field"), BAD_INPUTS)
def test_bad_input_is_422_naming_the_field_and_stores_nothing(
    app: Any, session: Session, override: dict[str, Any], field: str
) -> None:
    s = staff(app, session)
    before = _counts(session)
    response = s.operator.post("/api/cases", json={**CASE_BODY, **override})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]
    assert _counts(session) == before


def test_missing_required_fields_are_named(app: Any, session: Session) -> None:
    s = staff(app, session)
    response = s.operator.post("/api/cases", json={"title": "只有标题"})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"demand_type", "channel", "description"} <= fields


def test_same_idempotency_key_creates_one_case(app: Any, session: Session) -> None:
    s = staff(app, session)
    headers = {"Idempotency-Key": "retry-7f3a"}
    first = s.operator.post("/api/cases", json=CASE_BODY, headers=headers)
    before = _counts(session)
    second = s.operator.post("/api/cases", json=CASE_BODY, headers=headers)
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["code"] == first.json()["code"]
    assert second.json()["created"] is False
    assert _counts(session) == before
    other = s.operator.post("/api/cases", json={**CASE_BODY, "title": "另一件事"}, headers=headers)
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "Idempotency-Key"
    # Another client's identical key is its own.
    fresh = s.dispatcher.post("/api/cases", json=CASE_BODY, headers=headers)
    assert fresh.status_code == 201
    assert fresh.json()["code"] != first.json()["code"]


FAIL_AUDIT = {
    "sqlite": [
        "CREATE TRIGGER zhili_test_crash BEFORE INSERT ON audit_entries WHEN NEW.action = 'case.create' "
        "BEGIN SELECT RAISE(ABORT, 'simulated crash'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION zhili_test_crash() RETURNS trigger AS $$ BEGIN "
        "IF NEW.action = 'case.create' THEN RAISE EXCEPTION 'simulated crash'; END IF; RETURN NEW; END $$ "
        "LANGUAGE plpgsql",
        "CREATE TRIGGER zhili_test_crash BEFORE INSERT ON audit_entries FOR EACH ROW "
        "EXECUTE FUNCTION zhili_test_crash()",
    ],
}


def test_a_request_that_fails_midway_leaves_no_partial_case(app: Any, session: Session, backend: str) -> None:
    s = staff(app, session)
    # The database itself fails the last write of the intake (its audit entry): the case row, its
    # event and its tracking code were already written in that transaction and must all vanish.
    for statement in FAIL_AUDIT[backend]:
        session.execute(text(statement))
    session.commit()
    before = _counts(session)
    crashing = TestClient(
        app, raise_server_exceptions=False, headers=dict(s.operator.headers), cookies=s.operator.cookies
    )
    response = crashing.post("/api/cases", json=CASE_BODY)
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "simulated" not in response.text
    assert _counts(session) == before
