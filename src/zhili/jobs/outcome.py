"""What a run of a job says in the log: counts, or the error's type (never a statement or its data)."""

from __future__ import annotations

import logging
from typing import Any

from zhili import metrics
from zhili.jobs.registry import Job

log = logging.getLogger("zhili.jobs")


def describe(exc: BaseException) -> str:
    # Database errors quote statement parameters; name the error types only.
    inner = getattr(exc, "orig", None)
    return type(exc).__name__ + (f"/{type(inner).__name__}" if inner is not None else "")


def log_done(job: Job, result: Any, seconds: float) -> None:
    metrics.JOBS.labels(job=job.name, state="succeeded").inc()
    metrics.JOB_SECONDS.labels(job=job.name).observe(seconds)
    counts = dict(job.summary(result))
    level = logging.INFO if any(counts.values()) else logging.DEBUG
    log.log(level, "job %s done in %.2f s: %s", job.name, seconds, counts)


def log_failed(job: Job, exc: BaseException, retry_in: float | None) -> None:
    metrics.JOBS.labels(job=job.name, state="failed").inc()
    then = f"; next attempt in {retry_in:.0f} s" if retry_in is not None else ""
    log.error("job %s failed (%s)%s", job.name, describe(exc), then)
