"""``/readyz``'s worker check: with ``ZHILI_JOBS=queue``, a ``zhili worker`` must have been heard from.

A server without any live worker would accept demands whose deadlines nobody sweeps and whose SMS
nobody sends, so it is not ready. Inline, the server runs the jobs itself. The rule is
``health.worker_ready``, which ``zhili doctor`` applies too.
"""

from __future__ import annotations

from fastapi import FastAPI

from zhili import readiness
from zhili.jobs.health import last_heartbeat, worker_ready


@readiness.register("worker")
def worker_heard_from(app: FastAPI) -> readiness.Check:
    settings = app.state.settings
    ok, message = worker_ready(app.state.db, settings)
    facts = {"jobs": settings.jobs}
    if ok:
        return readiness.Check(True, message=message, facts=facts)
    reason = "no_worker" if last_heartbeat(app.state.db) is None else "worker_silent"
    return readiness.Check(False, reason, message, facts)
