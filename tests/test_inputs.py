"""Bad input never reaches a 500 (issue 16, failures 16–19): each request that caused one, refused
with a clear error naming its field, and nothing written."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, intake, staff
from zhili.cases.models import Case, CaseEvent
from zhili.kernel.fields import forbidden_character, xml_safe

CONTROL = ["\x00", "\x01", "\x0b", "\x1b", "\uffff"]


def _counts(session: Session) -> tuple[int, int]:
    session.expire_all()
    cases = session.execute(select(func.count()).select_from(Case)).scalar_one()
    events = session.execute(select(func.count()).select_from(CaseEvent)).scalar_one()
    return int(cases), int(events)


def _refused(response: Any, field: str, status: int = 422) -> None:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]


def test_the_rules() -> None:
    for char in CONTROL:
        assert forbidden_character(f"正常{char}文字") == f"U+{ord(char):04X}"
    assert forbidden_character("换行\n制表\t回车\r都是文字") is None
    assert xml_safe("a\x00b\ufffe") == "a\ufffdb\ufffd"


def test_integers_too_large_for_the_database(app: Any, session: Session) -> None:
    """16: ``GET /api/analytics/tasks/9999999999`` and ``?page=99999999999999999999`` were 500s."""
    s = staff(app, session)
    _refused(s.dispatcher.get("/api/analytics/tasks/9999999999"), "task_id")
    _refused(s.dispatcher.get("/api/cases", params={"page": "99999999999999999999"}), "page")
    before = _counts(session)
    code = intake(s.operator, category=None)
    after = _counts(session)
    body = {"knowledge_entry_id": 99999999999}
    _refused(s.operator.post(f"/api/cases/{code}/direct_close", json=body), "knowledge_entry_id")
    assert _counts(session) == after != before
    assert s.operator.get(f"/api/cases/{code}").json()["state"] == "received"


def test_an_object_for_satisfaction_is_a_422(app: Any, session: Session) -> None:
    """16: ``{"satisfaction": {}}`` on ``POST /api/cases/X/visit`` was a 500."""
    s = staff(app, session)
    code = intake(s.operator)
    before = _counts(session)
    _refused(s.operator.post(f"/api/cases/{code}/visit", json={"satisfaction": {}}), "satisfaction")
    assert _counts(session) == before


def test_extreme_datetimes(app: Any, session: Session) -> None:
    """17: ``0001-01-01T00:00:00+14:00`` overflowed converting to UTC (500)."""
    s = staff(app, session)
    extreme = "0001-01-01T00:00:00+14:00"
    _refused(s.dispatcher.get("/api/cases", params={"received_from": extreme}), "received_from")
    before = _counts(session)
    _refused(s.operator.post("/api/cases", json={**CASE_BODY, "received_at": extreme}), "received_at")
    assert _counts(session) == before
    answer = TestClient(app).get("/open311/v2/requests.json", params={"start_date": extreme})
    assert answer.status_code == 400
    assert "start_date" in answer.json()[0]["description"]


def test_control_characters_are_refused_on_the_api(app: Any, session: Session) -> None:
    """18: control characters were stored raw (and broke Open311's XML); PostgreSQL 500'd on NUL."""
    s = staff(app, session)
    before = _counts(session)
    for char in CONTROL:
        body = {**CASE_BODY, "description": f"油烟{char}扰民"}
        _refused(s.operator.post("/api/cases", json=body), "description")
        _refused(
            s.operator.post("/api/cases", json={**CASE_BODY, "citizen": {"name": f"张{char}"}}),
            "citizen.name",
        )
        _refused(s.dispatcher.get("/api/cases", params={"q": f"噪音{char}"}), "q")
    assert _counts(session) == before


def test_control_characters_are_refused_on_forms_and_open311(app: Any, session: Session) -> None:
    s = staff(app, session)
    before = _counts(session)
    form = {"title": "噪音", "description": "夜间\x1b施工", "demand_type": "complaint", "channel": "phone"}
    page = s.operator.post("/work/intake", data=form)
    assert page.status_code == 422 and "description" in page.text
    portal = TestClient(app).post(
        "/portal", data={**form, "address": "朝阳区望京西园三区", "phone": "13812341234"}
    )
    assert portal.status_code == 422 and "description" in portal.text
    o311 = TestClient(app).post(
        "/open311/v2/requests.xml", data={"service_code": "020101", "description": "a\x00b"}
    )
    assert o311.status_code == 400 and b"description" in o311.content and o311.content.startswith(b"<?xml")
    assert _counts(session) == before


def test_invalid_utf8_in_a_form_is_refused_and_raw_utf8_is_read_as_utf8(app: Any, session: Session) -> None:
    """19: invalid UTF-8 in a form body was stored as mojibake (and so was raw UTF-8)."""
    s = staff(app, session)
    headers = {"content-type": "application/x-www-form-urlencoded"}
    fields = (
        "demand_type=complaint&channel=phone&address=%E6%9C%9D%E9%98%B3%E5%8C%BA%E6%9C%9B%E4%BA%AC&title="
    )
    before = _counts(session)
    bad = s.operator.post("/work/intake", content=fields.encode() + b"%FF%FE&description=x", headers=headers)
    assert bad.status_code == 422 and "title" in bad.text and "UTF-8" in bad.text
    raw = s.operator.post(
        "/work/intake", content=fields.encode() + "楼道堆物&description=堆满杂物".encode(), headers=headers
    )
    assert raw.status_code == 201, raw.text
    assert _counts(session)[0] == before[0] + 1
    stored = session.execute(select(Case.title).order_by(Case.id.desc()).limit(1)).scalar_one()
    assert stored == "楼道堆物"
    files = {"title": (None, b"\xff\xfe"), "description": (None, "描述".encode())}
    multipart = TestClient(app).post("/portal", files=files)
    assert multipart.status_code == 422 and "title" in multipart.text
    assert _counts(session)[0] == before[0] + 1


def test_every_time_an_input_schema_takes_is_bounded() -> None:
    """A new ``...In`` schema with a datetime must use ``kernel.fields.Moment`` (17 by construction)."""
    import importlib
    import pkgutil
    from datetime import UTC, datetime
    from typing import Annotated

    from pydantic import BaseModel, TypeAdapter, ValidationError

    import zhili

    for module in pkgutil.walk_packages(zhili.__path__, "zhili."):
        if module.name.endswith(".schemas"):
            importlib.import_module(module.name)
    pending, checked = list(BaseModel.__subclasses__()), 0
    while pending:
        model = pending.pop()
        pending.extend(model.__subclasses__())
        if not (model.__module__.startswith("zhili.") and model.__name__.endswith("In")):
            continue
        for name, field in model.model_fields.items():
            if "datetime.datetime" not in str(field.annotation):
                continue
            checked += 1
            declared = Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
            try:
                TypeAdapter(declared).validate_python(datetime(1, 1, 1, tzinfo=UTC))
            except ValidationError:
                continue
            raise AssertionError(f"{model.__name__}.{name} takes any datetime: use kernel.fields.Moment")
    assert checked >= 5
