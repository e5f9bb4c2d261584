"""JSON routes of the outbox: the failed messages (dead letters), and resending one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from zhili.audit import service as audit
from zhili.deps import DbSession, client_ip
from zhili.kernel.crypto import cipher_for
from zhili.notifications import service
from zhili.notifications.policy import OutboxAdmin
from zhili.notifications.schemas import FailedMessagesOut, OutboxMessageOut, message_out

router = APIRouter(prefix="/api/notifications", tags=["notifications"])

MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/failed", response_model=FailedMessagesOut)
def list_failed(request: Request, session: DbSession, _admin: OutboxAdmin) -> FailedMessagesOut:
    """发送失败的短信（多次重试后仍未发出），手机号掩码显示。"""
    settings = request.app.state.settings
    cipher = cipher_for(settings.data_key, settings.secret_key)
    messages = [message_out(m, cipher) for m in service.failed_messages(session)]
    return FailedMessagesOut(total=len(messages), messages=messages)


@router.post("/{message_id}/resend", response_model=OutboxMessageOut)
def resend(
    message_id: MessageId, request: Request, session: DbSession, admin: OutboxAdmin
) -> OutboxMessageOut:
    """重发一条发送失败的短信：重新计数，立即进入发送队列。"""
    return resend_and_audit(request, session, admin.username, message_id)


def resend_and_audit(request: Request, session: DbSession, actor: str, message_id: int) -> OutboxMessageOut:
    settings = request.app.state.settings
    message = service.resend(session, message_id)
    audit.record(
        session,
        actor=actor,
        action="notification.resend",
        target_type="notification",
        target_id=message.id,
        detail={"case": message.case_code},
        client_ip=client_ip(request),
    )
    return message_out(message, cipher_for(settings.data_key, settings.secret_key))
