"""Jobs that failed after their last retry: listed for an administrator, who may run one again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from procrastinate.exceptions import UniqueViolation
from sqlalchemy import text
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.jobs.health import HEARTBEATS
from zhili.jobs.registry import label_of
from zhili.kernel.clock import as_aware
from zhili.settings import Settings

LIMIT = 200

FAILED = text(
    """
    SELECT j.id, j.task_name, j.attempts, max(e.at) AS failed_at
      FROM procrastinate_jobs j LEFT JOIN procrastinate_events e ON e.job_id = j.id
     WHERE j.status = 'failed' AND (CAST(:job_id AS bigint) IS NULL OR j.id = :job_id)
     GROUP BY j.id, j.task_name, j.attempts
     ORDER BY j.id DESC
     LIMIT :limit
    """
)


@dataclass(frozen=True)
class FailedJob:
    id: int
    name: str
    label: str
    attempts: int  # runs that failed, the last one included
    failed_at: datetime | None


def has_queue(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.execute(text("SELECT to_regclass(:t)"), {"t": HEARTBEATS}).scalar() is not None


def list_failed(session: Session, limit: int = LIMIT, job_id: int | None = None) -> list[FailedJob]:
    """The latest failed jobs, newest first; none without a queue (SQLite runs jobs in-process)."""
    if not has_queue(session):
        return []
    return [
        FailedJob(
            id=row.id,
            name=row.task_name,
            label=label_of(row.task_name),
            attempts=row.attempts,  # the queue counts every finished run, the failed last one too
            failed_at=as_aware(row.failed_at) if row.failed_at is not None else None,
        )
        for row in session.execute(FAILED, {"limit": limit, "job_id": job_id})
    ]


def retry(session: Session, settings: Settings, job_id: int, *, actor: str) -> FailedJob:
    """Put a failed job back in the queue, to run now with its original arguments; audited."""
    from zhili.jobs.queue import build_queue  # the queue's client only where it is used

    found = next(iter(list_failed(session, job_id=job_id)), None)
    if found is None:
        raise NotFound("没有这个失败的任务（可能已重试或已清理）")
    if settings.jobs != "queue":
        raise ValidationFailed("未启用任务队列（ZHILI_JOBS=queue），无法重试", field="job_id")
    queue = build_queue(settings)
    with queue.open():
        try:
            queue.job_manager.retry_job_by_id(job_id, retry_at=datetime.now(UTC))
        except UniqueViolation:
            # A periodic job waits at most once (its queueing lock): a later run is already queued.
            raise Conflict("该任务的下一次运行已在排队，无需重新运行") from None
    audit.record(session, actor=actor, action="jobs.retry", target_type="job", target_id=job_id,
                 detail={"task": found.name})  # fmt: skip
    return found
