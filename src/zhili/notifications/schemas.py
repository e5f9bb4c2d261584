"""What the operator's list of failed messages shows: never the number in full, never the text."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from zhili.kernel.clock import as_aware
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_phone
from zhili.notifications.models import KIND_LABELS, STATUS_LABELS, OutboxMessage, OutboxStatus


class OutboxMessageOut(BaseModel):
    id: int
    kind: str = Field(description="消息类型，如 回访评价链接")
    case_code: str
    phone: str = Field(description="掩码后的手机号，如 138****1234")
    status: str = Field(description="pending / sent / failed")
    status_label: str
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime


class FailedMessagesOut(BaseModel):
    total: int
    messages: list[OutboxMessageOut]


def message_out(message: OutboxMessage, cipher: PersonalDataCipher) -> OutboxMessageOut:
    return OutboxMessageOut(
        id=message.id,
        kind=KIND_LABELS.get(message.kind, "短信"),
        case_code=message.case_code,
        phone=mask_phone(cipher.decrypt(message.phone_enc)) or "",
        status=message.status,
        status_label=STATUS_LABELS[OutboxStatus(message.status)],
        attempts=message.attempts,
        last_error=message.last_error,
        created_at=as_aware(message.created_at),
        next_attempt_at=as_aware(message.next_attempt_at),
    )
