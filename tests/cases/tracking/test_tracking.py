"""Citizen self-service: tracking by code and phone tail, the 回访 by link, rate limits, notifications."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import WANGJING, act, client_for, intake, staff
from zhili.app import create_app
from zhili.audit.models import AuditEntry
from zhili.cases.context import CaseContext
from zhili.cases.models import Case, CaseEvent
from zhili.cases.tracking import api as public_api
from zhili.cases.tracking.visit_link import visit_token
from zhili.db import Database
from zhili.kernel.ratelimit import Limit, RateLimits
from zhili.notifications.backends import OUTBOX, LogNotifier, MemoryNotifier, backend_named
from zhili.notifications.models import OutboxMessage
from zhili.notifications.service import deliver_pending, notifier_for
from zhili.settings import Settings
from zhili.units.models import Unit

PHONE = "13812341234"
PERSONAL = ("张三", PHONE, "138****1234", "110105199001011234", "望京西园三区")
STAFF_NAMES = ("op_a", "disp_a", "wangjing_a")
REPLY = "已约谈广场舞队伍负责人，调整活动时间至20:30前结束并降低音量。"


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


@pytest.fixture
def citizen(app: Any) -> TestClient:
    return TestClient(app)


@pytest.fixture
def ctx(settings: Settings) -> CaseContext:
    return CaseContext.for_settings(settings)


def _reported(s: Any, **overrides: Any) -> str:
    code = intake(s.operator, **overrides)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING, note="请望京街道尽快处理，市民张三反映强烈")
    act(s.street, code, "sign")
    act(s.street, code, "contact", note="已电话联系张三，约定现场查看")
    act(s.street, code, "report", reply=REPLY)
    return code


def _track(client: TestClient, code: str, tail: str | None = "1234") -> Any:
    params = {} if tail is None else {"phone_tail": tail}
    return client.get(f"/api/track/{code}", params=params)


def _case(session: Session, code: str) -> Case:
    session.expire_all()
    return session.execute(select(Case).where(Case.code == code)).scalar_one()


def _event_count(session: Session, code: str) -> int:
    case = _case(session, code)
    return int(session.execute(select(func.count()).where(CaseEvent.case_id == case.id)).scalar_one())


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


# -- tracking ----------------------------------------------------------------------------------------


def test_tracking_shows_status_reply_and_no_personal_data(
    s: Any, citizen: TestClient, session: Session
) -> None:
    code = _reported(s)
    response = _track(citizen, code)
    assert response.status_code == 200, response.text
    body = response.json()
    wangjing = session.execute(select(Unit.name).where(Unit.code == WANGJING)).scalar_one()
    assert body["code"] == code
    assert (body["state"], body["state_label"]) == ("reported", "已反馈")
    assert body["demand_type_label"] == "投诉"
    assert body["title"] == "小区楼下广场舞噪音扰民"
    assert body["lead_unit_name"] == wangjing
    assert body["reply"] == REPLY
    assert body["replied_at"] and body["feedback_due"] and body["received_at"]
    assert body["awaiting_visit"] is True
    assert [item["label"] for item in body["timeline"]] == ["已受理", "已派单", "已签收", "已反馈"]
    assert body["timeline"][1]["note"] == f"已转交{wangjing}办理"
    assert body["timeline"][3]["note"] == f"{wangjing}已反馈办理结果"

    text = json.dumps(body, ensure_ascii=False)
    for secret in (*PERSONAL, *STAFF_NAMES, "市民张三反映强烈", "约定现场查看"):
        assert secret not in text, secret
    assert not _keys(body) & {"citizen", "name", "phone", "id_number", "address", "actor", "lat", "lng"}


def test_before_the_report_there_is_no_reply(s: Any, citizen: TestClient) -> None:
    code = intake(s.operator)
    received = _track(citizen, code).json()
    assert (received["state_label"], received["lead_unit_name"], received["reply"]) == ("已受理", None, None)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    dispatched = _track(citizen, code).json()
    assert dispatched["state_label"] == "已派单"
    assert dispatched["reply"] is None and dispatched["awaiting_visit"] is False
    assert dispatched["feedback_due"] is not None


def test_wrong_tail_no_phone_and_unknown_code_look_the_same(s: Any, citizen: TestClient) -> None:
    code = _reported(s)
    no_phone = intake(s.operator, citizen={})
    wrong = _track(citizen, code, "4321")
    unknown = _track(citizen, "BJ20990101000001")
    phoneless = _track(citizen, no_phone, "0000")
    too_long = _track(citizen, "X" * 40)
    for response in (wrong, unknown, phoneless, too_long):
        assert response.status_code == 404
        assert response.json() == wrong.json()
    assert "后四位" in wrong.json()["error"]["message"]


@pytest.mark.parametrize("tail", [None, "", "123", "12345", "12a4", "１２３"])
def test_malformed_tail_names_the_field(s: Any, citizen: TestClient, tail: str | None) -> None:
    code = intake(s.operator)
    response = _track(citizen, code, tail)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "phone_tail"


def test_full_width_digits_and_landlines_are_understood(s: Any, citizen: TestClient) -> None:
    code = intake(s.operator)
    assert _track(citizen, code, "１２３４").status_code == 200
    landline = intake(s.operator, citizen={"phone": "010-65001234"})
    assert _track(citizen, landline, "1234").status_code == 200
    assert _track(citizen, landline.lower(), "1234").status_code == 200  # codes are case-insensitive


def test_guessing_the_tail_locks_the_code(s: Any, citizen: TestClient) -> None:
    code = _reported(s)
    other = intake(s.operator)
    for tail in range(public_api.WRONG_TAILS.count):
        assert _track(citizen, code, f"{tail:04d}").status_code == 404
    locked = _track(citizen, code, "1234")  # even the right tail: a 200 would give the answer away
    assert locked.status_code == 429
    error = locked.json()["error"]
    assert error["code"] == "too_many_attempts"
    assert error["retry_after"] > 0
    assert "错误次数过多" in error["message"]
    assert _track(citizen, other).status_code == 200  # other codes are unaffected

    # An unknown code locks the same way, so a 429 says nothing about whether a code exists.
    for tail in range(public_api.WRONG_TAILS.count):
        assert _track(citizen, "BJ20990101000002", f"{tail:04d}").status_code == 404
    assert _track(citizen, "BJ20990101000002").status_code == 429


def test_each_address_is_limited_per_minute(s: Any, citizen: TestClient) -> None:
    code = intake(s.operator)
    for n in range(public_api.TRACK_PER_MINUTE - 1):
        assert _track(citizen, f"BJ20990101{n:06d}").status_code == 404
    assert _track(citizen, code).status_code == 200
    limited = _track(citizen, code)
    assert limited.status_code == 429
    assert limited.json()["error"]["retry_after"] > 0
    assert "请求过于频繁" in limited.json()["error"]["message"]


def test_limits_count_per_key_and_report_the_wait() -> None:
    limits = RateLimits("memory://")
    limit = Limit("test", 2, 60)
    assert limits.hit(limit, "a") is None
    assert limits.hit(limit, "a") is None
    wait = limits.hit(limit, "a")
    assert wait is not None and 0 < wait <= 60
    assert limits.retry_after(limit, "b") is None  # other keys are unaffected
    limits.clear(limit, "a")
    assert limits.retry_after(limit, "a") is None


# -- the 回访 by link ----------------------------------------------------------------------------------


def _visit(client: TestClient, code: str, token: str, **answer: Any) -> Any:
    return client.post(f"/api/track/{code}/visit", json={"token": token, **answer})


def test_satisfied_citizen_closes_the_case(
    s: Any, citizen: TestClient, ctx: CaseContext, session: Session
) -> None:
    code = _reported(s)
    token = visit_token(ctx.cipher, code)
    page = citizen.get(f"/api/track/{code}/visit/{token}")
    assert page.status_code == 200
    assert page.json()["reply"] == REPLY and page.json()["awaiting_visit"] is True

    response = _visit(citizen, code, token, solved=True, satisfaction="满意", comment="处理及时，谢谢")
    assert response.status_code == 200, response.text
    assert response.json()["state"] == "closed"
    assert response.json()["reopened"] is False

    case = s.operator.get(f"/api/cases/{code}").json()
    assert case["state"] == "closed"
    assert case["closure_kind"] == "handled"
    assert (case["satisfaction"], case["visit_solved"]) == ("satisfied", True)
    assert [(e["action"], e["actor"]) for e in case["events"][-2:]] == [
        ("visit", "citizen"),
        ("close", "citizen"),
    ]
    audit = session.execute(
        select(AuditEntry).where(AuditEntry.action == "case.visit", AuditEntry.target_id == code)
    ).scalar_one()
    assert audit.actor == "citizen"
    assert all(secret not in audit.detail for secret in (*PERSONAL, "处理及时"))

    tracked = _track(citizen, code).json()
    assert tracked["state_label"] == "已办结" and tracked["awaiting_visit"] is False
    assert tracked["reply"] == REPLY
    again = _visit(citizen, code, token, solved=True, satisfaction="满意")
    assert again.status_code == 409
    assert "已办结" in again.json()["error"]["message"]


@pytest.mark.parametrize(("solved", "satisfaction"), [(True, "不满意"), (False, "basically_satisfied")])
def test_unsatisfied_or_unsolved_reopens_the_case(
    s: Any, citizen: TestClient, ctx: CaseContext, solved: bool, satisfaction: str
) -> None:
    code = _reported(s)
    response = _visit(citizen, code, visit_token(ctx.cipher, code), solved=solved, satisfaction=satisfaction)
    assert response.status_code == 200, response.text
    assert response.json()["reopened"] is True
    case = s.operator.get(f"/api/cases/{code}").json()
    assert case["state"] == "dispatched"
    assert case["reopen_count"] == 1
    assert case["lead_unit"] == WANGJING
    tracked = _track(citizen, code).json()
    assert tracked["state_label"] == "已派单" and tracked["reply"] is None
    assert tracked["timeline"][-1]["label"] == "重新办理"


def test_without_automatic_reopening_the_case_waits_as_visited(
    settings: Settings, db: Database, session: Session, ctx: CaseContext
) -> None:
    app = create_app(settings.model_copy(update={"reopen_on_unresolved": False}), database=db)
    s = staff(app, session)
    code = _reported(s)
    response = _visit(
        TestClient(app), code, visit_token(ctx.cipher, code), solved=False, satisfaction="不满意"
    )
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["reopened"]) == ("visited", False)


def test_a_bad_token_is_404_and_writes_nothing(
    s: Any, citizen: TestClient, ctx: CaseContext, session: Session
) -> None:
    code = _reported(s)
    events = _event_count(session, code)
    unknown = _visit(
        citizen,
        "BJ20990101000009",
        visit_token(ctx.cipher, "BJ20990101000009"),
        solved=True,
        satisfaction="满意",
    )
    assert unknown.status_code == 404
    for token in ("x" * 24, visit_token(ctx.cipher, code)[:-1], visit_token(ctx.cipher, "BJ20990101000009")):
        response = _visit(citizen, code, token, solved=True, satisfaction="满意")
        assert response.status_code == 404
        assert response.json() == unknown.json()
    assert citizen.get(f"/api/track/{code}/visit/nope").status_code == 404
    assert _case(session, code).state == "reported"
    assert _event_count(session, code) == events


@pytest.mark.parametrize(
    ("answer", "field"),
    [
        ({"solved": True}, "satisfaction"),
        ({"solved": True, "satisfaction": "很好"}, "satisfaction"),
        ({"satisfaction": "满意"}, "solved"),
        ({"solved": True, "satisfaction": "满意", "comment": "长" * 1001}, "comment"),
        ({"solved": True, "satisfaction": "满意", "contacted": False}, "contacted"),
    ],
)
def test_bad_answers_name_the_field_and_write_nothing(
    s: Any, citizen: TestClient, ctx: CaseContext, session: Session, answer: dict[str, Any], field: str
) -> None:
    code = _reported(s)
    events = _event_count(session, code)
    response = _visit(citizen, code, visit_token(ctx.cipher, code), **answer)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field
    if field == "satisfaction" and "satisfaction" in answer:
        assert "满意、基本满意或不满意" in response.json()["error"]["message"]
    assert _case(session, code).state == "reported"
    assert _event_count(session, code) == events


def test_visit_before_the_report_is_409(
    s: Any, citizen: TestClient, ctx: CaseContext, session: Session
) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    response = _visit(citizen, code, visit_token(ctx.cipher, code), solved=True, satisfaction="满意")
    assert response.status_code == 409
    assert "尚未反馈" in response.json()["error"]["message"]
    assert _case(session, code).state == "dispatched"


def test_two_answers_at_once_cannot_both_win(committed_database: Database, settings: Settings) -> None:
    app = create_app(settings, database=committed_database)
    operator, dispatcher, street = (client_for(app, n) for n in ("operator", "dispatcher", "street"))
    cipher = CaseContext.for_settings(settings).cipher
    for satisfaction in ("满意", "不满意", "基本满意"):
        code = intake(operator)
        act(dispatcher, code, "dispatch", lead_unit=WANGJING)
        act(street, code, "sign")
        act(street, code, "contact")
        act(street, code, "report", reply=REPLY)
        token = visit_token(cipher, code)

        def answer(client: TestClient, code: str = code, token: str = token, how: str = satisfaction) -> int:
            return int(_visit(client, code, token, solved=True, satisfaction=how).status_code)

        with ThreadPoolExecutor(max_workers=2) as pool:
            results = sorted(pool.map(answer, (TestClient(app), TestClient(app))))
        assert results == [200, 409], results
        events = [e["action"] for e in operator.get(f"/api/cases/{code}").json()["events"]]
        assert events.count("visit") == 1


# -- notifications: the 回访 link goes through the outbox -----------------------------------------------


def _sent_link(message_text: str) -> Any:
    return urlsplit(message_text[message_text.index("http") :])


def test_the_visit_link_reaches_the_citizen_and_works(
    app: Any, s: Any, citizen: TestClient, ctx: CaseContext, session: Session, db: Database
) -> None:
    code = _reported(s)  # the report wrote the link to the outbox; delivering sends it
    notifier = MemoryNotifier()
    assert deliver_pending(db, app.state.settings, notifier) >= 1
    [message] = notifier.for_case(code)
    assert message.to == PHONE
    assert code in message.text and "张三" not in message.text
    link = _sent_link(message.text)
    token = visit_token(ctx.cipher, code)
    assert link.path == f"/portal/visit/{code}/{token}" and link.query == ""  # never in a query string
    assert citizen.get(link.path).status_code == 200
    assert citizen.get(f"/api/track/{code}/visit/{token}").json()["reply"] == REPLY
    assert _visit(citizen, code, token, solved=True, satisfaction="基本满意").json()["state"] == "closed"


def test_old_query_string_links_answer_clearly_and_read_nothing(
    s: Any, citizen: TestClient, ctx: CaseContext
) -> None:
    code = _reported(s)
    token = visit_token(ctx.cipher, code)
    old = citizen.get(f"/api/track/{code}/visit", params={"token": token})
    assert old.status_code == 410
    assert old.json()["error"]["code"] == "link_retired"
    assert REPLY not in old.text and token not in old.text


def test_the_log_backend_never_writes_the_phone_number(
    app: Any, s: Any, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    code = _reported(s)
    with caplog.at_level(logging.INFO, logger="zhili.notifications"):
        assert deliver_pending(db, app.state.settings, LogNotifier()) >= 1
    assert code in caplog.text
    assert "138****1234" in caplog.text
    for secret in (PHONE, "张三", "110105199001011234"):
        assert secret not in caplog.text


def test_no_sms_without_a_mobile_number(app: Any, s: Any, db: Database, session: Session) -> None:
    codes = [intake(s.operator, citizen=citizen_data) for citizen_data in ({}, {"phone": "010-65001234"})]
    for code in codes:
        act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
        act(s.street, code, "sign")
        act(s.street, code, "contact")
        act(s.street, code, "report", reply=REPLY)
    queued = session.execute(select(func.count()).where(OutboxMessage.case_code.in_(codes))).scalar_one()
    assert queued == 0


def test_backends_are_chosen_by_name(settings: Settings) -> None:
    assert isinstance(notifier_for(settings), LogNotifier)
    assert backend_named("memory") is OUTBOX
    with pytest.raises(ValueError, match="未知的通知方式"):
        backend_named("carrier-pigeon")


def test_reporting_queues_the_link_only_once_committed(app: Any, session: Session, db: Database) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    # A report that fails (no reply) is rolled back and queues nothing.
    act(s.street, code, "report", expect=422)
    queued = select(func.count()).where(OutboxMessage.case_code == code)
    assert session.execute(queued).scalar_one() == 0
    act(s.street, code, "report", reply=REPLY)
    [row] = session.execute(select(OutboxMessage).where(OutboxMessage.case_code == code)).scalars()
    assert row.status == "pending"
    assert PHONE not in row.phone_enc and "/portal/visit/" not in row.text_enc  # encrypted at rest
    notifier = MemoryNotifier()
    deliver_pending(db, app.state.settings, notifier)
    [message] = notifier.for_case(code)
    assert message.to == PHONE
    assert f"/portal/visit/{code}/" in message.text
