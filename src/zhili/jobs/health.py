"""The workers' heartbeat, for readiness checks and ``zhili doctor``."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from zhili.db import Database
from zhili.kernel.clock import as_aware
from zhili.settings import Settings

HEARTBEATS = "procrastinate_workers"  # the queue's own record of live workers (migration 0021)
STALE_HEARTBEATS = 3  # as zhili.jobs.queue.STALLED_HEARTBEATS: silent this long, a worker is gone


def last_heartbeat(db: Database) -> datetime | None:
    """The newest heartbeat of any ``zhili worker`` (aware UTC); None without a worker or a queue.

    On SQLite (or ``ZHILI_JOBS=inline``) jobs run inside ``zhili serve`` and there is no worker to
    ask about: readiness should look at ``settings.jobs`` before requiring one (``worker_ready``).
    """
    if db.engine.dialect.name != "postgresql":
        return None
    with db.engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": HEARTBEATS}).scalar() is None:
            return None
        newest = connection.execute(text(f"SELECT max(last_heartbeat) FROM {HEARTBEATS}")).scalar()
    return as_aware(newest).astimezone(UTC) if newest is not None else None


def job_counts(db: Database) -> dict[tuple[str, str], int]:
    """(job name, state) → number of jobs in the queue: ``todo`` is the queue's depth; ``doing``,
    ``succeeded`` (kept 72 h), ``failed``, ``aborted``, ``cancelled``. Empty without a queue.
    For ``/metrics``."""
    if db.engine.dialect.name != "postgresql":
        return {}
    with db.engine.connect() as connection:
        if connection.execute(text("SELECT to_regclass(:t)"), {"t": HEARTBEATS}).scalar() is None:
            return {}
        rows = connection.execute(
            text("SELECT task_name, status::text, count(*) FROM procrastinate_jobs GROUP BY 1, 2")
        )
        return {(name, state): int(count) for name, state, count in rows}


def worker_ready(db: Database, settings: Settings, now: datetime | None = None) -> tuple[bool, str]:
    """Whether background jobs are being run, with a Chinese sentence that says why (for
    ``/readyz`` and ``zhili doctor``). With ``ZHILI_JOBS=inline`` the server runs them: always ready."""
    if settings.jobs != "queue":
        return True, "后台任务在 zhili serve 进程内运行（ZHILI_JOBS=inline），无需独立的任务进程"
    last = last_heartbeat(db)
    if last is None:
        return False, "没有任务进程的心跳：请启动 zhili worker"
    age = ((now or datetime.now(UTC)) - last).total_seconds()
    limit = STALE_HEARTBEATS * settings.jobs_heartbeat_seconds
    if age > limit:
        return False, f"最近一次任务进程心跳在 {age:.0f} 秒前（超过 {limit:.0f} 秒）：任务进程可能已停止"
    return True, f"最近一次任务进程心跳在 {max(age, 0):.0f} 秒前"


def doctor_check(database: Database, settings: Settings) -> tuple[bool, str]:
    """The hook ``zhili doctor`` calls (``zhili.ops.doctor.worker``)."""
    return worker_ready(database, settings)
