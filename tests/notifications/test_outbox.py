"""Issue 16 #2: an SMS really leaves (a signed request to an HTTP gateway, checked by the gateway), is
retried when it cannot, and is then shown to an admin who may resend it — never dropped silently."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from sqlalchemy import select
from sqlalchemy.orm import Session

from notifications.gateway_server import running_gateway
from support.accounts import login, make_user
from support.cases import WANGJING, act, intake, staff
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.db import Database
from zhili.kernel.clock import as_aware, utcnow
from zhili.notifications.backends import OUTBOX
from zhili.notifications.models import OutboxMessage
from zhili.notifications.service import deliver_pending, retry_wait
from zhili.notifications.tasks import run_delivery
from zhili.settings import Settings

PHONE = "13812341234"
SECRET = "gateway-secret-for-tests-" + "s" * 16
REPLY = "已联系物业，楼道灯已更换。"


def _reported(app: Any, session: Session) -> str:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply=REPLY)
    return code


def _message(session: Session, code: str) -> OutboxMessage:
    session.expire_all()
    return session.execute(select(OutboxMessage).where(OutboxMessage.case_code == code)).scalar_one()


def _due_now(session: Session, code: str) -> None:
    """The retry wait has passed (instead of the test sleeping)."""
    message = _message(session, code)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    session.commit()


def _gateway_settings(app: Any, url: str, secret: str = SECRET) -> Settings:
    settings: Settings = app.state.settings.model_copy(
        update={"notifier": "http", "sms_gateway_url": url, "sms_gateway_secret": secret}
    )
    app.state.settings = settings
    return settings


def _sms_counted(state: str) -> float:
    return REGISTRY.get_sample_value(f"zhili_sms_{state}_total", {"kind": "sms"}) or 0.0


def test_the_visit_link_leaves_signed_for_the_gateway(app: Any, session: Session, db: Database) -> None:
    with running_gateway(SECRET) as gateway:
        settings = _gateway_settings(app, gateway.url)
        code = _reported(app, session)
        assert _message(session, code).status == "pending"  # written with the report, not yet sent
        before = _sms_counted("sent")
        assert deliver_pending(db, settings) == 1
        assert _sms_counted("sent") == before + 1  # /metrics counts what left
    [sms] = gateway.accepted
    assert sms["to"] == PHONE and sms["reference"] == code
    assert f"/portal/visit/{code}/" in sms["text"] and "张三" not in sms["text"]
    assert gateway.refused_signatures == 0
    message = _message(session, code)
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, None)
    assert deliver_pending(db, settings) == 0  # sent once, not again


def test_a_wrong_secret_is_refused_by_the_gateway(app: Any, session: Session, db: Database) -> None:
    with running_gateway(SECRET) as gateway:
        settings = _gateway_settings(app, gateway.url, secret="not-the-gateway-secret")
        code = _reported(app, session)
        before = _sms_counted("failed")
        assert deliver_pending(db, settings) == 0
        assert _sms_counted("failed") == before + 1
    assert gateway.accepted == [] and gateway.refused_signatures == 1
    message = _message(session, code)
    assert message.status == "pending" and "HTTP 401" in (message.last_error or "")


def test_failures_are_retried_then_listed_for_an_admin_who_resends(
    app: Any, session: Session, db: Database
) -> None:
    with running_gateway(SECRET) as gateway:
        settings = _gateway_settings(app, gateway.url)
        gateway.failing = True
        code = _reported(app, session)
        for attempt in range(1, settings.sms_max_attempts + 1):
            before = utcnow()
            assert deliver_pending(db, settings) == 0
            message = _message(session, code)
            assert message.attempts == attempt and "HTTP 503" in (message.last_error or "")
            if attempt < settings.sms_max_attempts:
                assert message.status == "pending"
                assert as_aware(message.next_attempt_at) >= before + retry_wait(settings, attempt)
                _due_now(session, code)
        assert _message(session, code).status == "failed"
        assert deliver_pending(db, settings) == 0  # a failed message waits for a person

        make_user(session, "sms_admin", Role.admin)
        admin = TestClient(app)
        login(admin, "sms_admin")
        listed = admin.get("/api/notifications/failed").json()
        [item] = [m for m in listed["messages"] if m["case_code"] == code]
        assert item["phone"] == "138****1234" and item["status_label"] == "发送失败"
        assert PHONE not in str(listed) and "/portal/visit/" not in str(listed)
        page = admin.get("/admin/notifications")
        assert page.status_code == 200 and "重发" in page.text and "138****1234" in page.text
        assert PHONE not in page.text

        resent = admin.post(f"/api/notifications/{item['id']}/resend")
        assert resent.status_code == 200 and resent.json()["status"] == "pending"
        again = admin.post(f"/api/notifications/{item['id']}/resend")
        assert again.status_code == 409  # only a failed message can be resent
        assert admin.post("/api/notifications/999999/resend").status_code == 404
        gateway.failing = False
        assert deliver_pending(db, settings) == 1
    assert [m["reference"] for m in gateway.accepted] == [code]
    assert _message(session, code).status == "sent"
    audit = session.execute(select(AuditEntry).where(AuditEntry.action == "notification.resend")).scalar_one()
    assert audit.actor == "sms_admin"


def test_only_admins_see_failed_messages(app: Any, session: Session) -> None:
    s = staff(app, session)
    assert s.operator.get("/api/notifications/failed").status_code == 403
    assert s.dispatcher.post("/api/notifications/1/resend").status_code == 403
    assert TestClient(app).get("/api/notifications/failed").status_code == 401
    anonymous_page = TestClient(app).get("/admin/notifications", follow_redirects=False)
    assert anonymous_page.status_code in (302, 303, 401)


def test_the_server_delivers_right_after_the_commit(app: Any, session: Session, db: Database) -> None:
    """In-process (the embedded default): the delivery loop is woken by the commit, not by its poll."""
    app.state.settings = app.state.settings.model_copy(update={"notifier": "memory"})
    OUTBOX.clear()
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")

    async def scenario() -> list[Any]:
        loop = asyncio.create_task(run_delivery(app, poll_seconds=3600))  # the poll never fires
        await asyncio.sleep(0)
        await asyncio.to_thread(act, s.street, code, "report", reply=REPLY)
        for _ in range(300):  # until the woken loop has sent it (bounded; no time is asserted)
            if OUTBOX.for_case(code):
                break
            await asyncio.sleep(0.1)
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
        return OUTBOX.for_case(code)

    [sent] = asyncio.run(scenario())
    assert sent.to == PHONE


def test_the_gateway_backend_needs_its_url_and_secret() -> None:
    with pytest.raises(ValueError, match="SMS_GATEWAY"):
        Settings(notifier="http")
    with pytest.raises(ValueError, match="SMS_GATEWAY"):
        Settings(notifier="http", sms_gateway_url="http://127.0.0.1:9/sms")
