"""The handling unit reaches the citizen: one click reveals the phone of a case it works on, each
reveal one audit entry; never for a 保密 case, another unit, a closed case; lists stay masked."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, CHAOYANG_CGW, WANGJING, act, intake, staff
from zhili.audit.models import AuditEntry
from zhili.cases.reveal import AUDIT_ACTION

HTMX = {"HX-Request": "true"}
PHONE = CASE_BODY["citizen"]["phone"]


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _reveals(session: Session, code: str) -> list[AuditEntry]:
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.action == AUDIT_ACTION, AuditEntry.target_id == code)
    )
    return list(rows.scalars())


def _audits(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def test_lead_unit_reveals_the_phone_once_per_click_and_each_is_audited(s: Any, session: Session) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    page = s.street.get(f"/cases/{code}").text
    assert 'data-testid="reveal-phone"' in page and PHONE not in page  # masked until asked
    response = s.street.post(f"/cases/{code}/phone", headers=HTMX)
    assert response.status_code == 200 and PHONE in response.text
    entries = _reveals(session, code)
    assert len(entries) == 1
    assert entries[0].actor == "wangjing_a" and entries[0].target_type == "case" and entries[0].at
    assert PHONE not in json.dumps(entries[0].detail, ensure_ascii=False)
    assert PHONE not in s.street.get("/work/inbox").text  # lists stay masked


def test_called_co_unit_may_reveal(s: Any, session: Session) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "whistle", units=[CHAOYANG_CGW])
    assert s.dept.post(f"/cases/{code}/phone", headers=HTMX).status_code == 200


def test_confidential_case_is_never_revealed(s: Any, session: Session) -> None:
    code = intake(s.operator, confidential=True)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    page = s.street.get(f"/cases/{code}").text
    assert 'data-testid="reveal-phone"' not in page and "请通过热线转接" in page
    before = _audits(session)
    refused = s.street.post(f"/cases/{code}/phone", headers=HTMX)
    assert refused.status_code == 403
    assert "请通过热线转接" in json.loads(refused.headers["HX-Trigger"])["zhili-toast"]["message"]
    assert PHONE not in refused.text and _audits(session) == before


@pytest.mark.parametrize("who", ["other_street", "dept", "operator", "dispatcher"])
def test_others_may_not_reveal(s: Any, session: Session, who: str) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    before = _audits(session)
    response = getattr(s, who).post(f"/cases/{code}/phone", headers=HTMX)
    assert response.status_code in (403, 404)
    assert PHONE not in response.text and _audits(session) == before


def test_not_before_dispatch_nor_after_close(s: Any, session: Session) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply="已处理。")
    act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="satisfied")
    before = _audits(session)
    response = s.street.post(f"/cases/{code}/phone", headers=HTMX)
    assert response.status_code in (403, 404) and _audits(session) == before
    assert 'data-testid="reveal-phone"' not in s.street.get(f"/cases/{code}").text
