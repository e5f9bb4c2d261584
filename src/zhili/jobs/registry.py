"""The one place where background jobs are registered.

A job is a plain function ``run(db, settings, **kwargs)`` living in its domain's ``tasks.py``. The
same entry serves both runners: ``zhili.jobs.inline`` (inside ``zhili serve``) and ``zhili.jobs.queue``
(``zhili worker``). A job with a period is scheduled by the runner; one without runs when deferred.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from zhili.analytics import tasks as analytics_tasks
from zhili.audit import tasks as audit_tasks
from zhili.cases.sweep import tasks as sweep_tasks
from zhili.jobs import probe
from zhili.notifications import tasks as notification_tasks
from zhili.petitions import tasks as petition_tasks
from zhili.settings import Settings
from zhili.triage import pending as triage_pending


def _never(_result: Any) -> bool:
    return False


def _nothing(_result: Any) -> Mapping[str, Any]:
    return {}


@dataclass(frozen=True)
class Job:
    name: str  # stable: the task's name in the queue, and in logs
    label: str  # what an administrator reads on the failed-jobs page
    run: Callable[..., Any]  # run(db, settings, **kwargs); arguments are ids and numbers, never personal data
    period_seconds: Callable[[Settings], float] | None = None  # periodic when set; 0 turns it off
    again_soon: Callable[[Any], bool] = _never  # a backlog is left: run again soon, not a period later
    summary: Callable[[Any], Mapping[str, Any]] = _nothing  # counts for the log line


JOBS: tuple[Job, ...] = (
    Job(
        name="deadline_sweep",
        label="办理时限巡检（预警、超期、督办）",
        run=sweep_tasks.sweep_once,
        period_seconds=sweep_tasks.sweep_period_seconds,
        again_soon=sweep_tasks.backlog_left,
        summary=sweep_tasks.summary,
    ),
    Job(
        name="petition_sweep",
        label="信访事项时限巡检（预警、超期）",
        run=petition_tasks.sweep_petitions_once,
        period_seconds=sweep_tasks.sweep_period_seconds,
        summary=petition_tasks.summary,
    ),
    Job(
        name="analytics_sync",
        label="民生诉求数据库同步",
        run=analytics_tasks.sync_once,
        period_seconds=analytics_tasks.sync_period_seconds,
        summary=analytics_tasks.summary,
    ),
    Job(
        name="notification_delivery",
        label="短信发送（失败重试，用尽后列入待人工处理）",
        run=notification_tasks.deliver_once,
        period_seconds=notification_tasks.delivery_period_seconds,
        summary=notification_tasks.summary,
    ),
    Job(
        name="audit_anchor",
        label="审计链锚定（写入锚点文件）",
        run=audit_tasks.anchor_once,
        period_seconds=audit_tasks.anchor_period_seconds,
        summary=audit_tasks.summary,
    ),
    Job(
        name="intake_triage",
        label="受理后分流（分类、派单建议、重复诉求检查）",
        run=triage_pending.drain,
        period_seconds=triage_pending.period_seconds,
        summary=triage_pending.summary,
    ),
    Job(name="probe", label="任务队列探针", run=probe.probe),
)

BY_NAME: dict[str, Job] = {job.name: job for job in JOBS}


def periodic_jobs(settings: Settings) -> list[tuple[Job, float]]:
    """The jobs with a period in force, with that period in seconds."""
    found = ((job, job.period_seconds(settings)) for job in JOBS if job.period_seconds is not None)
    return [(job, seconds) for job, seconds in found if seconds > 0]


def label_of(name: str) -> str:
    job = BY_NAME.get(name)
    return job.label if job is not None else QUEUE_LABELS.get(name, name)


# Jobs of the queue's own machinery (zhili.jobs.queue), not of a domain.
QUEUE_LABELS = {"retry_stalled_jobs": "重试中断的任务", "remove_old_jobs": "清理已完成的任务记录"}
