"""JSON routes that act on analysis: 每月一题 topics and 未诉先办 proactive tasks.

As in ``analytics.api``, a route answers the plain dict its domain function builds, and its
``response_model`` (``analytics.schemas``) describes that dict and checks it on the way out.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from zhili.analytics import proactive, repository, topics
from zhili.analytics.filters import Reach
from zhili.analytics.labels import Labels
from zhili.analytics.models import Topic
from zhili.analytics.policy import TaskAssigner, TaskReader
from zhili.analytics.schemas import (
    AnalyticsTopicCandidateOut,
    AnalyticsTopicIn,
    AnalyticsTopicOut,
    AnalyticsTopicReportOut,
    ProactiveTaskDetailOut,
    ProactiveTaskOut,
    TaskDoneIn,
    WarningTaskIn,
)
from zhili.analytics.service import engine
from zhili.deps import DbSession
from zhili.kernel.clock import as_aware, local_zone, utcnow
from zhili.settings import Settings

# Included by ``analytics.api.router``, which adds the /api/analytics prefix.
router = APIRouter(tags=["analytics"])

OUTCOME_DAYS = 28


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _topic_out(session: DbSession, topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "month": topic.month,
        "title": topic.title,
        "category": topic.category_code,
        "area": topic.area_code,
        "keyword": topic.keyword,
        "score": topic.score,
        "metrics": json.loads(topic.metrics),
        "status": topic.status,
        "chosen_by": topic.chosen_by,
        "chosen_at": as_aware(topic.chosen_at).isoformat(),
        "cases": repository.linked_count(session, topic.id),
    }


@router.get("/topics/candidates", response_model=list[AnalyticsTopicCandidateOut])
def topic_candidates(
    actor: TaskReader,
    session: DbSession,
    request: Request,
    month: Annotated[str, Query(pattern=r"^\d{4}-\d{2}$")],
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
) -> list[dict[str, Any]]:
    """每月一题候选：按诉求量、反复性、波及面和增长综合排序。"""
    return topics.candidates(engine(_settings(request)), Labels(session), Reach.of(actor), month, limit)


@router.post("/topics", status_code=201, response_model=AnalyticsTopicOut)
def choose_topic(
    body: AnalyticsTopicIn, actor: TaskAssigner, session: DbSession, request: Request
) -> dict[str, Any]:
    """选定每月一题：关联本月相关诉求，并给承办单位布置有期限的任务。"""
    settings = _settings(request)
    topic = topics.choose(
        session, engine(settings), actor, Reach.of(actor),
        month=body.month, category=body.category, area=body.area, keyword=body.keyword, title=body.title,
        tasks=[topics.TaskSpec(t.unit, t.due, t.note) for t in body.tasks],
        tz=settings.timezone, now=utcnow(),
    )  # fmt: skip
    return _topic_out(session, topic)


@router.get("/topics", response_model=list[AnalyticsTopicOut])
def list_topics(
    actor: TaskReader,
    session: DbSession,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
) -> list[dict[str, Any]]:
    return [_topic_out(session, t) for t in repository.list_topics(session, actor, month)]


@router.get("/topics/{topic_id}/report", response_model=AnalyticsTopicReportOut)
def topic_report(topic_id: int, actor: TaskReader, session: DbSession, request: Request) -> dict[str, Any]:
    """每月一题成效：选题前后相同天数内的日均诉求量。"""
    topic = repository.get_topic(session, actor, topic_id)
    settings = _settings(request)
    pivot = as_aware(topic.chosen_at).astimezone(local_zone(settings.timezone)).date()
    change = topics.demand_change(
        engine(settings), Reach.of(actor), category=topic.category_code, area=topic.area_code,
        keyword=topic.keyword, pivot=pivot, days=OUTCOME_DAYS,
    )  # fmt: skip
    return {"topic": _topic_out(session, topic), "demand": change}


@router.post("/warnings/tasks", status_code=201, response_model=ProactiveTaskOut)
def warning_task(
    body: WarningTaskIn, actor: TaskAssigner, session: DbSession, request: Request
) -> dict[str, Any]:
    """把预警转为街乡的主动治理任务（未诉先办）。"""
    settings = _settings(request)
    task = proactive.task_from_warning(
        session, engine(settings), actor, street=body.street, category=body.category, as_of=body.as_of,
        due=body.due, note=body.note, tz=settings.timezone, now=utcnow(),
    )  # fmt: skip
    return proactive.describe(session, task)


@router.get("/tasks", response_model=list[ProactiveTaskOut])
def tasks(
    actor: TaskReader,
    session: DbSession,
    status: Annotated[str | None, Query(pattern="^(open|done)$")] = None,
) -> list[dict[str, Any]]:
    return [proactive.describe(session, t) for t in repository.list_tasks(session, actor, status)]


@router.get("/tasks/{task_id}", response_model=ProactiveTaskDetailOut | ProactiveTaskOut)
def task_detail(task_id: int, actor: TaskReader, session: DbSession, request: Request) -> dict[str, Any]:
    """任务及其成效：预警任务另有 demand（该街乡该类别预警前后相同天数内的诉求量）；每月一题任务无此项。"""
    task = repository.get_task(session, actor, task_id)
    out = proactive.describe(session, task)
    warning = out["warning"]
    if warning is not None:
        # Demand in the weeks up to the warning against the weeks after it: did acting early help?
        pivot = date.fromisoformat(warning["window_end"]) + timedelta(days=1)
        out["demand"] = topics.demand_change(
            engine(_settings(request)), Reach(everything=True), category=warning["category"],
            area=warning["street"], keyword="", pivot=pivot, days=OUTCOME_DAYS,
        )  # fmt: skip
    return out


@router.post("/tasks/{task_id}/done", response_model=ProactiveTaskOut)
def task_done(task_id: int, body: TaskDoneIn, actor: TaskReader, session: DbSession) -> dict[str, Any]:
    return proactive.describe(session, proactive.complete(session, actor, task_id, body.outcome, utcnow()))
