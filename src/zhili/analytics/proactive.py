"""未诉先办 in practice: a warning becomes a proactive task for the responsible street, the unit
reports what it did, and the demand before and after is measured from the store."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.analytics import repository
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY
from zhili.analytics.labels import Labels
from zhili.analytics.models import EarlyWarning, ProactiveTask
from zhili.analytics.policy import oversees_tasks
from zhili.analytics.topics import due_at
from zhili.analytics.warnings import early_warnings
from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.errors import Conflict, Forbidden, ValidationFailed
from zhili.kernel.clock import local_zone
from zhili.units.models import Unit


def task_from_warning(
    session: Session,
    engine: Engine,
    actor: Actor,
    *,
    street: str,
    category: str,
    as_of: date,
    due: date,
    note: str | None,
    tz: str,
    now: datetime,
) -> ProactiveTask:
    """Confirm the warning (the detector is run again, never trusted from the client) and give the
    street office a task."""
    warning = next(
        (
            w
            for w in early_warnings(engine, Labels(session), CITY, as_of, kept=False)
            if w["street"] == street and w["category"] == category
        ),
        None,
    )
    if warning is None:
        raise ValidationFailed("该街乡该类别在此日没有预警", field="street")
    unit = session.scalar(select(Unit).where(Unit.code == f"S{street}"))
    if unit is None:
        raise ValidationFailed(f"街乡单位不存在：S{street}", field="street")
    due_time = due_at(due, tz, now.astimezone(local_zone(tz)).date(), "due")
    stored = session.scalar(
        select(EarlyWarning).where(
            EarlyWarning.street_code == street,
            EarlyWarning.category_code == category,
            EarlyWarning.window_end == as_of,
        )
    )
    if stored is None:
        stored = EarlyWarning(
            street_code=street, category_code=category,
            window_start=date.fromisoformat(warning["window_start"]), window_end=as_of,
            observed=warning["observed"], expected=warning["expected"], p_value=warning["p_value"],
            q_value=warning["q_value"], created_by=actor.username, created_at=now,
        )  # fmt: skip
        session.add(stored)
        session.flush()
    elif session.scalar(select(ProactiveTask.id).where(ProactiveTask.warning_id == stored.id)) is not None:
        raise Conflict("该预警已生成任务", field="street")
    title = (
        f"未诉先办：{warning['street_label'] or street}{warning['category_label'] or category}诉求异常升高"
    )
    task = ProactiveTask(
        kind="warning", warning_id=stored.id, unit_id=unit.id, title=title[:200], note=note, due_at=due_time,
        status="open", created_by=actor.username, created_at=now,
    )  # fmt: skip
    session.add(task)
    session.flush()
    audit.record(
        session, actor=actor.username, action="analytics.warning_task", target_type="analytics_task",
        target_id=task.id, detail={"street": street, "category": category, "as_of": as_of.isoformat()},
    )  # fmt: skip
    return task


def complete(session: Session, actor: Actor, task_id: int, outcome: str, now: datetime) -> ProactiveTask:
    task = repository.get_task(session, actor, task_id)
    if task.unit_id != actor.unit_id and not oversees_tasks(actor):
        raise Forbidden("只有承办单位可以办结此任务")
    if task.status == "done":
        raise Conflict("任务已办结", field="outcome")
    task.status, task.outcome, task.done_at = "done", outcome, now
    session.flush()
    audit.record(
        session, actor=actor.username, action="analytics.task_done", target_type="analytics_task",
        target_id=task.id, detail={"kind": task.kind},
    )  # fmt: skip
    return task


def describe(session: Session, task: ProactiveTask) -> dict[str, Any]:
    unit = session.get(Unit, task.unit_id)
    warning = session.get(EarlyWarning, task.warning_id) if task.warning_id else None
    return {
        "id": task.id,
        "kind": task.kind,
        "topic_id": task.topic_id,
        "unit": unit.code if unit else None,
        "unit_name": unit.name if unit else None,
        "title": task.title,
        "note": task.note,
        "due_at": task.due_at.isoformat(),
        "status": task.status,
        "outcome": task.outcome,
        "done_at": task.done_at.isoformat() if task.done_at else None,
        "warning": None
        if warning is None
        else {
            "street": warning.street_code,
            "category": warning.category_code,
            "window_start": warning.window_start.isoformat(),
            "window_end": warning.window_end.isoformat(),
            "observed": warning.observed,
            "expected": warning.expected,
            "q_value": warning.q_value,
        },
    }
