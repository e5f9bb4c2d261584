"""Ask for a registered job to run soon, from a request, a command or another job.

With ``ZHILI_JOBS=queue`` the job is put in the queue for a worker (an app server only defers); with
``inline`` it runs in a background thread of this process. Either way the same function runs.
Arguments are stored in the queue: ids and numbers, never personal data.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from zhili.db import Database
from zhili.jobs.outcome import log_done, log_failed
from zhili.jobs.registry import BY_NAME, Job
from zhili.settings import Settings


def defer_job(db: Database, settings: Settings, name: str, **kwargs: Any) -> int | None:
    """The queued job's id (queue), or None when it was started in-process (inline)."""
    job = BY_NAME[name]
    if settings.jobs == "queue":
        from zhili.jobs.queue import build_queue

        queue = build_queue(settings)
        with queue.open():
            return int(queue.tasks[name].defer(**kwargs))
    threading.Thread(
        target=_run, args=(job, db, settings, kwargs), name=f"zhili-job-{name}", daemon=True
    ).start()
    return None


def _run(job: Job, db: Database, settings: Settings, kwargs: dict[str, Any]) -> None:
    started = time.monotonic()
    try:
        result = job.run(db, settings, **kwargs)
    except Exception as exc:
        log_failed(job, exc, None)
        return
    log_done(job, result, time.monotonic() - started)
