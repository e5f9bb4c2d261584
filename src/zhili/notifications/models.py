"""The outbox: every message to a citizen, written in the transaction of the event that causes it.

The number and the text are stored encrypted (the text carries the 回访 link's token). A message is
``pending`` until sent (``sent``); after ``ZHILI_SMS_MAX_ATTEMPTS`` failures it is ``failed`` — the
dead-letter list that an operator sees at 短信发送 and may resend.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


STATUS_LABELS = {OutboxStatus.pending: "待发送", OutboxStatus.sent: "已发送", OutboxStatus.failed: "发送失败"}
KIND_LABELS = {"visit_link": "回访评价链接"}


class OutboxMessage(IdMixin, Base):
    __tablename__ = "notification_outbox"
    __table_args__ = (Index("ix_notification_outbox_due", "status", "next_attempt_at"),)

    kind: Mapped[str] = mapped_column(String(32))
    case_code: Mapped[str] = mapped_column(String(32), index=True)
    phone_enc: Mapped[str] = mapped_column(Text)
    text_enc: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.pending.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_error: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
