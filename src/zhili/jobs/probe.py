"""A job that checks the queue end to end: it waits ``seconds`` and asks the database one question.

``zhili jobs probe`` defers it and waits for a worker to finish it; ``--fail`` makes it fail, to see
the retries and the failed-jobs list at work. Tests use a slow one to stop a worker in mid-job.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import text

from zhili.db import Database
from zhili.settings import Settings

MAX_SECONDS = 600.0


class ProbeFailed(RuntimeError):
    """Asked for: shows that a failing job is retried and then listed for an administrator."""


def probe(db: Database, settings: Settings, seconds: float = 0.0, fail: bool = False) -> dict[str, Any]:
    time.sleep(min(max(seconds, 0.0), MAX_SECONDS))
    if fail:
        raise ProbeFailed("probe asked to fail")
    with db.session(write=False) as session:
        session.execute(text("SELECT 1"))
    return {"slept": seconds}
