"""Consultations need no place (直接办结 with no address), and repeat callers: the operator sees the
caller's recent demands by the phone's digest (audited), a likely repeat flagged with 关联/重办."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING, act, intake, staff
from zhili.audit.models import AuditEntry
from zhili.cases.models import Case

FORM = {
    "demand_type": "consultation",
    "urgency": "ordinary",
    "channel": "phone",
    "title": "咨询公租房申请条件",
    "description": "想了解公租房怎么申请。",
    "phone": "13812345678",
}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


@pytest.mark.parametrize("who", ["operator", "dispatcher"])
def test_direct_close_without_an_address(s: Any, who: str) -> None:
    entry = s.dispatcher.post(
        "/api/knowledge", json={"question": "公租房如何申请", "answer": "向户籍所在街道提交申请材料。"}
    ).json()
    client = getattr(s, who)
    done = client.post("/work/intake", data={**FORM, "knowledge_entry_id": str(entry["id"])})
    assert done.status_code == 201, done.text
    assert "已依据知识库答复并办结" in done.text
    code = done.text.split('data-testid="tracking-code">')[1].split("<")[0]
    detail = client.get(f"/api/cases/{code}").json()
    assert detail["state"] == "closed" and detail["district_code"] is None


# -- repeat callers ---------------------------------------------------------------------------------

PHONE = CASE_BODY["citizen"]["phone"]


def _history(client: Any, phone: str = PHONE, **text: str) -> Any:
    return client.get("/work/intake/caller", params={"phone": phone, **text}, headers={"HX-Request": "true"})


def _lookups(session: Session) -> int:
    statement = select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "case.caller_history")
    return int(session.execute(statement).scalar_one())


def test_caller_history_lists_recent_demands_with_states(s: Any, session: Session) -> None:
    first = intake(s.operator)
    act(s.dispatcher, first, "dispatch", lead_unit=WANGJING)
    other = intake(s.operator, citizen={"phone": "13900000000"})
    before = _lookups(session)
    page = _history(s.operator)
    assert page.status_code == 200 and first in page.text and "已派单" in page.text
    assert other not in page.text
    assert _lookups(session) == before + 1
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "case.caller_history").order_by(AuditEntry.seq.desc())
    ).first()
    assert entry is not None and PHONE not in json.dumps(entry.detail, ensure_ascii=False)
    assert PHONE not in (entry.target_id or "")


def test_a_number_being_typed_is_not_looked_up(s: Any, session: Session) -> None:
    before = _lookups(session)
    assert _history(s.operator, phone="1381").text == ""
    assert _lookups(session) == before


@pytest.mark.parametrize("who", ["dispatcher", "street"])
def test_only_the_operator_looks_up_callers(s: Any, session: Session, who: str) -> None:
    intake(s.operator)
    before = _lookups(session)
    assert _history(getattr(s, who)).status_code == 403
    assert _lookups(session) == before


def test_likely_repeat_is_flagged_and_relate_links_the_new_demand(s: Any, session: Session) -> None:
    first = intake(s.operator)
    same = {"title": CASE_BODY["title"], "description": CASE_BODY["description"]}
    page = _history(s.operator, **same)
    assert 'data-testid="likely-repeat"' in page.text and f'data-testid="relate-{first}"' in page.text
    unrelated = _history(s.operator, title="咨询社保卡补办", description="社保卡丢了怎么补办")
    assert 'data-testid="likely-repeat"' not in unrelated.text
    form = {
        "demand_type": "complaint",
        "urgency": "ordinary",
        "channel": "phone",
        "phone": PHONE,
        **same,
        "address": CASE_BODY["address"],
        "relate_to": first,
        "relate_kind": "reopen",
    }
    done = s.operator.post("/work/intake", data=form)
    assert done.status_code == 201, done.text
    code = done.text.split('data-testid="tracking-code">')[1].split("<")[0]
    case_page = s.operator.get(f"/cases/{code}").text
    assert first in case_page and "请求重办" in case_page


def test_relating_to_an_unknown_case_writes_nothing(s: Any, session: Session) -> None:
    before = int(session.execute(select(func.count()).select_from(Case)).scalar_one())
    form = {**FORM, "relate_to": "BJ00000000000000"}
    refused = s.operator.post("/work/intake", data=form, headers={"HX-Request": "true"})
    assert refused.status_code == 404
    assert int(session.execute(select(func.count()).select_from(Case)).scalar_one()) == before


def test_repeat_similarity_is_a_setting(app: Any, s: Any, session: Session) -> None:
    intake(s.operator)
    near = {"title": CASE_BODY["title"], "description": "晚上广场舞声音太大，孩子没法睡觉。"}
    assert 'data-testid="likely-repeat"' in _history(s.operator, **near).text
    app.state.settings = app.state.settings.model_copy(update={"repeat_caller_similarity": 0.99})
    page = _history(s.operator, **near)
    assert page.status_code == 200 and 'data-testid="likely-repeat"' not in page.text
