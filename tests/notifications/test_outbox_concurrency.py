"""Two deliverers at once (two web workers, or a worker and a server) send each message exactly once.

The database is ``committed_database``: real commits, so the deliverers' claims really compete (on
PostgreSQL with FOR UPDATE SKIP LOCKED, on SQLite through its single writer).
"""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from zhili.db import Database
from zhili.kernel.crypto import cipher_for
from zhili.notifications import service as outbox
from zhili.notifications.backends import MemoryNotifier
from zhili.notifications.models import OutboxMessage
from zhili.settings import Settings

MESSAGES = 120


def test_two_deliverers_send_each_message_once(committed_database: Database, settings: Settings) -> None:
    cipher = cipher_for(settings.data_key, settings.secret_key)
    with committed_database.session() as session:
        for n in range(MESSAGES):
            outbox.enqueue(
                session,
                cipher,
                kind="visit_link",
                number="13812341234",
                text=f"消息 {n}",
                case_code=f"RACE{n:05d}",
            )
    notifier = MemoryNotifier()
    sent: list[int] = []
    start = threading.Barrier(2)

    def deliver() -> None:
        start.wait()
        sent.append(outbox.deliver_pending(committed_database, settings, notifier))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    copies = Counter(message.case_code for message in notifier.messages)
    assert sum(sent) == MESSAGES
    assert len(copies) == MESSAGES and set(copies.values()) == {1}
    with committed_database.session() as session:
        statuses = dict(
            session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.case_code.like("RACE%"))
                .group_by(OutboxMessage.status)
            ).all()
        )
    assert statuses == {"sent": MESSAGES}
