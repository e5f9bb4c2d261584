"""``/readyz``'s worker check: with ``ZHILI_JOBS=queue``, a ``zhili worker`` must have been heard from.

A worker that has been silent for three heartbeat intervals is taken for dead (its jobs are retried
on another, see ``zhili.jobs.queue``); a server without any live worker would accept demands whose
deadlines nobody sweeps and whose SMS nobody sends, so it is not ready. Inline, there is no worker.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from zhili import readiness
from zhili.jobs.health import last_heartbeat


@readiness.register("worker")
def worker_heard_from(app: FastAPI) -> readiness.Check:
    settings = app.state.settings
    if settings.jobs != "queue":
        return readiness.Check(True, facts={"jobs": settings.jobs})
    limit = 3 * settings.jobs_heartbeat_seconds
    beat = last_heartbeat(app.state.db)
    facts = {"jobs": "queue", "limit_seconds": limit}
    if beat is None:
        return readiness.Check(False, "no_worker", "没有任务进程（zhili worker）在运行", facts)
    age = (datetime.now(UTC) - beat).total_seconds()
    facts["age_seconds"] = round(age)
    if age > limit:
        return readiness.Check(False, "worker_silent", f"任务进程已 {age:.0f} 秒无心跳", facts)
    return readiness.Check(True, facts=facts)
