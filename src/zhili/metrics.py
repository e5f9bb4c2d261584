"""zhili's Prometheus metrics: the objects every module counts with, and their exposition.

Modules import the object they need and count; nothing here imports a domain. Labels are codes and
route templates, never personal data or raw paths.

- ``REQUEST_SECONDS``: latency of each HTTP request by method, route template and status
  (``zhili.metrics_http`` observes it).
- ``INTAKES``: demands taken, by channel (``cases.flows.take_demand`` counts each once committed).
- ``SMS_SENT`` / ``SMS_FAILED``: messages to citizens that left, or could not be sent (the
  notification backends count them).
- ``JOBS`` / ``JOB_SECONDS`` / ``QUEUE_DEPTH``: background jobs by name and end state, their
  duration, and waiting jobs per queue (the job runner counts them).

Under ``zhili serve --workers N`` each worker writes its values to files in
``PROMETHEUS_MULTIPROC_DIR`` (``zhili.serving`` sets it before the workers start) and ``exposition``
adds them up, so one scrape sees the whole server whichever worker answers it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.registry import Collector

CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0)

REQUEST_SECONDS = Histogram(
    "zhili_http_request_duration_seconds",
    "HTTP request latency by method, route template and status code.",
    ["method", "route", "status"],
    buckets=LATENCY_BUCKETS,
)
INTAKES = Counter("zhili_intakes", "Demands taken (受理), by channel.", ["channel"])
SMS_SENT = Counter("zhili_sms_sent", "Text messages to citizens handed to the gateway.", ["kind"])
SMS_FAILED = Counter("zhili_sms_failed", "Text messages to citizens that could not be sent.", ["kind"])
JOBS = Counter(
    "zhili_jobs", "Background jobs by name and end state (succeeded, failed, retried).", ["job", "state"]
)
JOB_SECONDS = Histogram(
    "zhili_job_duration_seconds", "Background job run time.", ["job"], buckets=JOB_BUCKETS
)
QUEUE_DEPTH = Gauge(
    "zhili_job_queue_depth", "Jobs waiting, per queue.", ["queue"], multiprocess_mode="mostrecent"
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition(extra: Iterable[Collector] = ()) -> bytes:
    """The text a scrape reads: every worker's metrics, then ``extra`` collectors (computed now)."""
    if multiprocess_dir():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        body = generate_latest(registry)
    else:
        body = generate_latest(REGISTRY)
    more = CollectorRegistry()
    for collector in extra:
        more.register(collector)
    return body + generate_latest(more)
