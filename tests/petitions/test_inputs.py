"""Every bad input gets a clear Chinese error naming its field, and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from petitions.accounts import VISIT, client, register, step
from zhili.petitions.models import Petition, PetitionBody, PetitionMatter, PetitionStep

TABLES = (PetitionMatter, Petition, PetitionStep, PetitionBody)


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(int(session.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES)


BAD_REGISTRATIONS: list[tuple[dict[str, Any], int, str, str]] = [
    ({"petitioner": {"phone": "13900001234"}}, 422, "petitioner.name", "姓名"),
    ({"petitioner": {"name": "李四"}}, 422, "petitioner.phone", "联系电话或身份证号"),
    ({"category": "999999"}, 422, "category", "诉求分类 999999 不存在"),
    ({"division_code": "110105999"}, 422, "division_code", "区划编码 110105999 不存在"),
    ({"division_code": "110108001"}, 422, "division_code", "不在本信访办公室的受理范围内"),
    ({"channel": "online"}, 422, "channel", "网上信访由信访人在门户网站提交"),
    ({"channel": "hotline"}, 422, "case_code", "须填写诉求编号"),
    ({"channel": "hotline", "case_code": "BJ20990101000001"}, 422, "case_code", "不存在"),
    ({"received_at": "2999-01-01T00:00:00+08:00"}, 422, "received_at", "不能晚于现在"),
    ({"matter_code": "XS20250101999999"}, 404, "matter_code", "不存在或不在您的查看范围内"),
    ({"title": ""}, 422, "title", ""),
    ({"petitioner": {"name": "李四", "id_number": "12345"}}, 422, "petitioner.id_number", ""),
    ({"channel": "fax"}, 422, "channel", ""),
]


@pytest.mark.parametrize(("change", "status", "field", "words"), BAD_REGISTRATIONS)
def test_a_bad_registration_is_refused_whole(
    app: Any, session: Session, change: dict[str, Any], status: int, field: str, words: str
) -> None:
    office = client(app, "office")
    before = _counts(session)
    response = office.post("/api/petitions", json={**VISIT, **change})
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


def _handling(office: Any) -> str:
    code = register(office, received_at="2025-09-26T10:00:00+08:00")["matter_code"]
    step(office, code, "accept", at="2025-10-09T09:00:00+08:00")
    return str(code)


BAD_STEPS: list[tuple[str, dict[str, Any], int, str, str]] = [
    ("extend", {"text": "需协调"}, 422, "days", "延长的工作日数"),
    ("extend", {"days": 31, "text": "需协调"}, 422, "days", ""),
    ("extend", {"days": 5}, 422, "text", "延期理由"),
    ("extend", {"days": 5, "text": "太晚了", "at": "2026-06-01T09:00:00+08:00"}, 409, "", "办理期限已届满"),
    ("reply", {}, 422, "text", "答复意见书"),
    ("reply", {"text": "未来", "at": "2999-01-01T00:00:00+08:00"}, 422, "at", "不能晚于现在"),
    ("reply", {"text": "过早", "at": "2025-10-01T09:00:00+08:00"}, 422, "at", "不能早于上一环节"),
    ("reply", {"text": "x", "unknown": 1}, 422, "unknown", ""),
]


@pytest.mark.parametrize(("action", "body", "status", "field", "words"), BAD_STEPS)
def test_a_bad_step_is_refused_and_writes_nothing(
    app: Any, session: Session, action: str, body: dict[str, Any], status: int, field: str, words: str
) -> None:
    office = client(app, "office")
    code = _handling(office)
    before = _counts(session)
    response = office.post(f"/api/petitions/matters/{code}/{action}", json=body)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert (error.get("field") or "") == field and words in error["message"], error
    assert _counts(session) == before
    matter = session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()
    assert matter.state.value == "handling" and matter.extended is False and matter.reply is None


BAD_DECISIONS: list[tuple[str, dict[str, Any], str, str]] = [
    ("refer", {"mode": "转送"}, "unit", "请选择转送或交办的机关"),
    ("refer", {"unit": "NOPE", "mode": "转送"}, "unit", "单位编码 NOPE 不存在"),
    ("refer", {"unit": "G110105"}, "mode", "请选择转送或交办"),
    ("refer", {"unit": "G110105", "mode": "转办"}, "mode", ""),
    ("refuse", {}, "text", "不予受理的理由"),
]


@pytest.mark.parametrize(("action", "body", "field", "words"), BAD_DECISIONS)
def test_a_bad_decision_is_refused_and_writes_nothing(
    app: Any, session: Session, action: str, body: dict[str, Any], field: str, words: str
) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    before = _counts(session)
    response = office.post(f"/api/petitions/matters/{code}/{action}", json=body)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error.get("field") == field and words in error["message"], error
    assert _counts(session) == before


def test_a_review_must_go_to_a_higher_body(app: Any, session: Session) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    step(office, code, "refer", unit="D110105-urban_management", mode="转送")
    body = client(app, "body")
    step(body, code, "take")
    step(body, code, "reply", text="已处理")
    same = office.post(
        f"/api/petitions/matters/{code}/request_review", json={"unit": "D110105-urban_management"}
    )
    assert same.status_code == 422 and "上一级机关" in same.json()["error"]["message"]
    missing = office.post(f"/api/petitions/matters/{code}/request_review", json={})
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "unit"
