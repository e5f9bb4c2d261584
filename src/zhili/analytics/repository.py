"""Reads of 每月一题 topics and proactive tasks, each through one statement scoped like cases.

A leader sees the topics of areas inside or around their jurisdiction and the tasks of the units
inside it; a unit sees its own tasks and the topics that gave it one. The store's views are scoped
separately (``filters.Reach``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, func, or_, select, true
from sqlalchemy.orm import Session

from zhili.analytics.models import ProactiveTask, Topic, TopicCase
from zhili.analytics.policy import oversees_tasks
from zhili.auth.scope import Actor, readable
from zhili.errors import NotFound
from zhili.units.models import Unit

TOPIC_AREA_LENGTHS = (6, 9)  # a district or a street


def _units_within(actor: Actor) -> Select[int]:
    return select(Unit.id).where(readable(actor).clause(Unit.division_code))


def _task_condition(actor: Actor) -> ColumnElement[bool]:
    scope = readable(actor)
    if scope.everything:
        return true()
    mine = ProactiveTask.unit_id == actor.unit_id if actor.unit_id is not None else false()
    if oversees_tasks(actor) and scope.division_codes:
        return or_(mine, ProactiveTask.unit_id.in_(_units_within(actor)))
    return mine


def readable_tasks(actor: Actor) -> Select[ProactiveTask]:
    return select(ProactiveTask).where(_task_condition(actor))


def readable_topics(actor: Actor) -> Select[Topic]:
    scope = readable(actor)
    if scope.everything:
        return select(Topic)
    containing = {code[:n] for code in scope.division_codes for n in TOPIC_AREA_LENGTHS if len(code) >= n}
    conditions = [
        scope.clause(Topic.area_code),
        Topic.area_code.in_(sorted(containing)),
        Topic.id.in_(select(ProactiveTask.topic_id).where(_task_condition(actor))),
    ]
    return select(Topic).where(or_(*conditions))


def get_task(session: Session, actor: Actor, task_id: int) -> ProactiveTask:
    task = session.scalars(readable_tasks(actor).where(ProactiveTask.id == task_id)).one_or_none()
    if task is None:
        raise NotFound("任务不存在或不在您的辖区内")
    return task


def list_tasks(session: Session, actor: Actor, status: str | None, limit: int = 500) -> list[ProactiveTask]:
    statement = readable_tasks(actor).order_by(ProactiveTask.due_at, ProactiveTask.id)
    if status:
        statement = statement.where(ProactiveTask.status == status)
    return list(session.scalars(statement.limit(limit)))


def get_topic(session: Session, actor: Actor, topic_id: int) -> Topic:
    topic = session.scalars(readable_topics(actor).where(Topic.id == topic_id)).one_or_none()
    if topic is None:
        raise NotFound("每月一题不存在或不在您的辖区内")
    return topic


def list_topics(session: Session, actor: Actor, month: str | None, limit: int = 200) -> list[Topic]:
    statement = readable_topics(actor).order_by(Topic.month.desc(), Topic.id)
    if month:
        statement = statement.where(Topic.month == month)
    return list(session.scalars(statement.limit(limit)))


def linked_count(session: Session, topic_id: int) -> int:
    return int(session.scalar(select(func.count()).where(TopicCase.topic_id == topic_id)) or 0)
