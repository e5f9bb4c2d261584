"""An app server's hand-off of intake triage to the workers (``zhili.jobs.handoff``), on a real queue:
a burst of intakes asks the database twice, not once per intake, and work that arrives after a
worker's run has started still gets a run of its own."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from zhili.db import Database
from zhili.jobs.handoff import HandOff
from zhili.settings import Settings

GUARD_S = 30.0


def _waiting(db: Database) -> list[int]:
    sql = (
        "SELECT id FROM procrastinate_jobs WHERE task_name = 'intake_triage' AND status = 'todo' ORDER BY id"
    )
    with db.engine.connect() as conn:
        return list(conn.execute(text(sql)).scalars())


def test_a_burst_is_handed_off_twice_and_late_work_gets_its_own_run(
    queue_db: Database, tmp_path: Path
) -> None:
    settings = Settings(
        environment="test", data_dir=tmp_path, database_url=queue_db.url, jobs="queue", secret_key="h" * 40
    )
    hand_off = HandOff(settings, "intake_triage", window=0.5)
    try:
        hand_off()  # the first intake: at once
        [first] = _waiting(queue_db)
        with queue_db.engine.begin() as conn:  # a worker takes that run
            conn.execute(text("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = :id"), {"id": first})
        for _ in range(50):  # the burst goes on while it runs
            hand_off()
        assert hand_off.deferred == 1 and _waiting(queue_db) == []
        deadline = time.monotonic() + GUARD_S
        while not _waiting(queue_db) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(_waiting(queue_db)) == 1  # the window's end: one more run, for what came after
        assert hand_off.deferred == 2
        hand_off()  # a run waits already: the queue's lock keeps it the only one
        hand_off.close()  # the defer set for the window's end is made before stopping
        assert hand_off.deferred == 3 and len(_waiting(queue_db)) == 1
    finally:
        hand_off.close()
