"""The outbox: messages are written in the transaction of the event that causes them, and delivered
after it commits, by ``deliver_pending`` (in the server after each commit and periodically; or by a
job runner). A failure is retried after ``ZHILI_SMS_RETRY_SECONDS``, doubling each time; after
``ZHILI_SMS_MAX_ATTEMPTS`` the message is ``failed`` and waits on the operator's list to be resent.

Delivery is at least once: a message is claimed (its next attempt moved a lease ahead) in one short
transaction, sent outside any transaction, and its result written in another. A server that dies
between sending and writing sends it again once the lease is over.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from zhili import metrics
from zhili.db import Database, after_commit
from zhili.errors import Conflict, NotFound
from zhili.kernel.clock import utcnow
from zhili.kernel.crypto import PersonalDataCipher, cipher_for
from zhili.notifications.backends import Notifier, backend_named
from zhili.notifications.gateway import GatewayError, HttpSmsGateway
from zhili.notifications.models import OutboxMessage, OutboxStatus

log = logging.getLogger("zhili.notifications")

DEFAULT_NOTIFIER = "log"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
BATCH = 50
MAX_BATCHES = 20
LEASE = timedelta(minutes=2)
MAX_RETRY_WAIT = timedelta(hours=6)


def public_base_url(settings: Any) -> str:
    return str(getattr(settings, "public_base_url", "") or DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def notifier_for(settings: Any) -> Notifier:
    """The backend chosen by ``ZHILI_NOTIFIER`` (log by default)."""
    name = str(getattr(settings, "notifier", "") or DEFAULT_NOTIFIER)
    if name == "http":
        return HttpSmsGateway(settings.sms_gateway_url, settings.sms_gateway_secret)
    return backend_named(name)


# -- waking the in-process deliverer ----------------------------------------------------------------

_wakers: list[Callable[[], None]] = []
_wakers_lock = threading.Lock()


def add_waker(wake: Callable[[], None]) -> None:
    with _wakers_lock:
        _wakers.append(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    with _wakers_lock:
        if wake in _wakers:
            _wakers.remove(wake)


def wake_deliverers() -> None:
    """Tell this process's delivery loops that a message is waiting (no-op when none runs)."""
    with _wakers_lock:
        wakers = list(_wakers)
    for wake in wakers:
        wake()


# -- writing ------------------------------------------------------------------------------------------


def enqueue(
    session: Session, cipher: PersonalDataCipher, *, kind: str, number: str, text: str, case_code: str
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction; it leaves only if that commits."""
    now = utcnow()
    message = OutboxMessage(
        kind=kind,
        case_code=case_code,
        phone_enc=cipher.encrypt(number) or "",
        text_enc=cipher.encrypt(text) or "",
        status=OutboxStatus.pending.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    session.flush()
    after_commit(session, wake_deliverers)
    log.info("诉求 %s 的短信已写入发送队列（%s）", case_code, kind)
    return message


# -- delivering ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    attempts: int
    number: str
    text: str
    case_code: str


def _claim(db: Database, cipher: PersonalDataCipher, now: datetime) -> list[Claimed]:
    with db.session(write=True) as session:
        query = (
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.pending.value, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(BATCH)
        )
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # two deliverers never take one message
        claimed = []
        for row in session.execute(query).scalars():
            row.attempts += 1
            row.next_attempt_at = now + LEASE
            claimed.append(
                Claimed(
                    row.id,
                    row.attempts,
                    cipher.decrypt(row.phone_enc) or "",
                    cipher.decrypt(row.text_enc) or "",
                    row.case_code,
                )
            )
        return claimed


def retry_wait(settings: Any, attempts: int) -> timedelta:
    wait = timedelta(seconds=settings.sms_retry_seconds * 2 ** max(0, attempts - 1))
    return min(wait, MAX_RETRY_WAIT)


def _failure_text(exc: Exception) -> str:
    # A gateway's own words are safe (GatewayError); any other exception text may echo the number.
    return str(exc)[:200] if isinstance(exc, GatewayError) else f"发送出错（{type(exc).__name__}）"


def _record(db: Database, settings: Any, claimed: Claimed, error: str | None) -> None:
    now = utcnow()
    values: dict[str, Any]
    if error is None:
        values = {"status": OutboxStatus.sent.value, "sent_at": now, "last_error": None}
    elif claimed.attempts >= settings.sms_max_attempts:
        values = {"status": OutboxStatus.failed.value, "last_error": error}
    else:
        values = {"next_attempt_at": now + retry_wait(settings, claimed.attempts), "last_error": error}
    with db.session(write=True) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == claimed.id, OutboxMessage.attempts == claimed.attempts)
            .values(**values)
        )


def deliver_pending(db: Database, settings: Any, notifier: Notifier | None = None) -> int:
    """Send every message that is due; returns how many were sent. Safe to call from several
    processes at once (PostgreSQL: rows are claimed with SKIP LOCKED; SQLite: one writer at a time)."""
    notifier = notifier or notifier_for(settings)
    cipher = cipher_for(settings.data_key, settings.secret_key)
    sent = 0
    for _ in range(MAX_BATCHES):
        batch = _claim(db, cipher, utcnow())
        for claimed in batch:
            try:
                notifier.send_sms(claimed.number, claimed.text, case_code=claimed.case_code)
            except Exception as exc:
                error = _failure_text(exc)
                log.warning("诉求 %s 的短信第 %d 次发送失败：%s", claimed.case_code, claimed.attempts, error)
                _record(db, settings, claimed, error)
                metrics.SMS_FAILED.labels(kind="sms").inc()
                continue
            _record(db, settings, claimed, None)
            metrics.SMS_SENT.labels(kind="sms").inc()
            sent += 1
        if len(batch) < BATCH:
            break
    return sent


# -- the operator's list --------------------------------------------------------------------------


def failed_messages(session: Session, limit: int = 200) -> Sequence[OutboxMessage]:
    return (
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.failed.value)
            .order_by(OutboxMessage.id.desc())
            .limit(limit)
        )
        .scalars()
        .all()
    )


def resend(session: Session, message_id: int) -> OutboxMessage:
    """Put a failed message back in the queue, with its attempts counted afresh."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("短信记录不存在")
    if message.status != OutboxStatus.failed.value:
        raise Conflict("只有发送失败的短信可以重发")
    message.status = OutboxStatus.pending.value
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.last_error = None
    session.flush()
    after_commit(session, wake_deliverers)
    return message
