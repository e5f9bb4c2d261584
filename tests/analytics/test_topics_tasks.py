"""每月一题 (ranking, choosing with linked cases and unit tasks, before/after report) and 未诉先办
(a confirmed warning becomes a street task whose outcome is tracked)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics import answers
from analytics.handmade import HAIDIAN, JIUXIANQIAO, WANGJING, case, write
from support.cases import CHAOYANG_ENV, intake, staff
from support.cases import WANGJING as WANGJING_UNIT
from zhili.analytics import topics
from zhili.analytics.models import EarlyWarning, ProactiveTask, Topic, TopicCase
from zhili.analytics.store import Store
from zhili.analytics.sync import sync
from zhili.audit.models import AuditEntry
from zhili.db import Database
from zhili.kernel.clock import utcnow
from zhili.settings import Settings

TODAY = utcnow().date()
FUTURE = (TODAY + timedelta(days=14)).isoformat()


def test_score_rewards_volume_recurrence_spread_and_growth() -> None:
    base = topics.score(100, 0, 1, 1.0)
    assert topics.score(200, 0, 1, 1.0) > base
    assert topics.score(100, 5, 1, 1.0) > base
    assert topics.score(100, 0, 10, 1.0) > base
    assert topics.score(100, 0, 1, 2.0) > base
    assert topics.score(100, 0, 1, 100.0) == topics.score(100, 0, 1, 3.0)  # growth is capped


@pytest.fixture
def history(store: Store) -> None:
    rows, n = [], 0
    for month in range(5, 11):  # noise in 望京 every month, rising in October; heating once in 海淀
        for i in range(month - 3 if month < 10 else 30):
            n += 1
            where = WANGJING if i % 3 else JIUXIANQIAO
            rows.append(case(n, date(2025, month, 1 + i % 28), where))
    for i in range(4):
        n += 1
        rows.append(case(n, date(2025, 10, 2 + i), HAIDIAN, category="120501", keyword="暖气"))
    write(store, rows)


def test_candidates_rank_the_growing_recurring_problem_first(app: FastAPI, history: None) -> None:
    response = staff(app).dispatcher.get("/api/analytics/topics/candidates", params={"month": "2025-10"})
    assert response.status_code == 200, response.text
    first = response.json()[0]
    assert (first["category"], first["area"], first["keyword"]) == ("020201", "110105", "噪音")
    assert (
        first["volume"] == 30 and first["spread"] == 2 and first["recurrence"] == 0
    )  # earlier months had far fewer
    assert first["growth"] == pytest.approx(31 / ((4 + 5 + 6) / 3 + 1), abs=0.01)  # July–September
    assert all(set(c) == answers.CANDIDATE for c in response.json())


def test_a_chosen_candidate_keeps_its_figures(app: FastAPI, history: None) -> None:
    s = staff(app)
    candidates = s.dispatcher.get("/api/analytics/topics/candidates", params={"month": "2025-10"}).json()
    first = candidates[0]
    tasks = [{"unit": WANGJING_UNIT, "due": FUTURE}]
    body = {"month": "2025-10", "category": first["category"], "area": first["area"],
            "keyword": first["keyword"], "title": "朝阳噪音治理", "tasks": tasks}  # fmt: skip
    response = s.dispatcher.post("/api/analytics/topics", json=body)
    assert response.status_code == 201, response.text
    topic = response.json()
    assert set(topic) == answers.TOPIC and topic["metrics"] == first and topic["score"] == first["score"]
    assert (topic["status"], topic["cases"]) == ("open", 0)  # the cases are in the store only
    listed = s.dispatcher.get("/api/analytics/topics", params={"month": "2025-10"}).json()
    assert listed == [topic]
    report = s.dispatcher.get(f"/api/analytics/topics/{topic['id']}/report").json()
    assert set(report) == {"topic", "demand"} and report["topic"] == topic
    assert set(report["demand"]) == answers.DEMAND and report["demand"]["days"] == 28


def test_choosing_a_topic_links_cases_and_gives_units_tasks(
    app: FastAPI, db: Database, session: Session, settings: Settings, store: Store
) -> None:
    s = staff(app)
    month = f"{TODAY:%Y-%m}"
    codes = [intake(s.operator, title=f"广场舞噪音{i}") for i in range(3)]
    intake(s.operator, category="020101", title="油烟")  # another category: not linked
    sync(db, settings, store, settle_seconds=0)
    tasks = [
        {"unit": WANGJING_UNIT, "due": FUTURE, "note": "制定活动公约"},
        {"unit": CHAOYANG_ENV, "due": FUTURE},
    ]
    body = {"month": month, "category": "020201", "area": "110105026", "keyword": "", "tasks": tasks}
    body["title"] = "望京广场舞噪音治理"
    response = s.dispatcher.post("/api/analytics/topics", json=body)
    assert response.status_code == 201, response.text
    topic = response.json()
    assert topic["cases"] >= len(codes) and topic["title"] == "望京广场舞噪音治理"
    assert set(topic) == answers.TOPIC and set(topic["metrics"]) in (answers.MEASURES, answers.CANDIDATE)
    linked = session.scalar(
        select(func.count()).select_from(TopicCase).where(TopicCase.topic_id == topic["id"])
    )
    assert linked == topic["cases"]
    assert (
        session.scalar(
            select(func.count()).select_from(ProactiveTask).where(ProactiveTask.topic_id == topic["id"])
        )
        == 2
    )
    report = s.dispatcher.get(f"/api/analytics/topics/{topic['id']}/report").json()
    assert report["demand"]["after"] >= 3 and report["demand"]["days"] == 28
    assert set(report["demand"]) == answers.DEMAND
    again = s.dispatcher.post("/api/analytics/topics", json=body)
    assert again.status_code == 409
    # the street sees its task and closes it with an outcome
    mine = s.street.get("/api/analytics/tasks").json()
    assert [t["unit"] for t in mine] == [WANGJING_UNIT]
    assert set(mine[0]) == answers.TASK and (mine[0]["kind"], mine[0]["warning"]) == ("topic", None)
    detail = s.street.get(f"/api/analytics/tasks/{mine[0]['id']}").json()
    assert detail == mine[0]  # a topic's task has no demand of its own
    done = s.street.post(
        f"/api/analytics/tasks/{mine[0]['id']}/done", json={"outcome": "已制定广场舞活动公约"}
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert set(done.json()) == answers.TASK and done.json()["outcome"] == "已制定广场舞活动公约"
    assert s.other_street.get(f"/api/analytics/tasks/{mine[0]['id']}").status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"month": "2025-13"}, "month"),
        ({"category": "999999"}, "category"),
        ({"area": "11"}, "area"),
        ({"tasks": []}, "tasks"),
        ({"tasks": [{"unit": "S000000000", "due": FUTURE}]}, "tasks"),
        ({"tasks": [{"unit": WANGJING_UNIT, "due": "2020-01-01"}]}, "tasks"),
    ],
)
def test_bad_topics_are_refused_and_nothing_is_written(
    app: FastAPI,
    session: Session,
    change: dict,
    field: str,  # type: ignore[type-arg]
) -> None:
    body = {"month": "2025-10", "category": "020201", "area": "110105026", "title": "题目",
            "tasks": [{"unit": WANGJING_UNIT, "due": FUTURE}]} | change  # fmt: skip
    before = session.scalar(select(func.count()).select_from(Topic))
    response = staff(app).dispatcher.post("/api/analytics/topics", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"].split(".")[0] == field
    assert session.scalar(select(func.count()).select_from(Topic)) == before
    assert session.scalar(select(func.count()).select_from(ProactiveTask)) == 0


def test_only_leaders_choose_topics(app: FastAPI) -> None:
    body = {"month": "2025-10", "category": "020201", "area": "110105026", "title": "题目",
            "tasks": [{"unit": WANGJING_UNIT, "due": FUTURE}]}  # fmt: skip
    assert staff(app).street.post("/api/analytics/topics", json=body).status_code == 403


@pytest.fixture
def spike(store: Store) -> date:
    """60 quiet days of one case every other day in 望京, then 12 in three days."""
    rows, n = [], 0
    start = date(2025, 8, 1)
    for d in range(60):
        if d % 2 == 0:
            n += 1
            rows.append(case(n, start + timedelta(days=d)))
        n += 1
        rows.append(case(n, start + timedelta(days=d), JIUXIANQIAO))
    last = start + timedelta(days=62)
    for d in range(3):
        for _ in range(4):
            n += 1
            rows.append(case(n, last - timedelta(days=d)))
    write(store, rows)
    return last


def test_a_warning_becomes_a_street_task_with_a_tracked_outcome(
    app: FastAPI, session: Session, spike: date
) -> None:
    s = staff(app)
    warnings = s.dispatcher.get("/api/analytics/warnings", params={"as_of": spike.isoformat()}).json()
    assert [(w["street"], w["category"]) for w in warnings] == [("110105026", "020201")]
    assert warnings[0]["observed"] == 12 and warnings[0]["q_value"] < 0.01
    assert set(warnings[0]) == answers.WARNING and warnings[0]["window_end"] == spike.isoformat()
    body = {"street": "110105026", "category": "020201", "as_of": spike.isoformat(), "due": FUTURE}
    response = s.dispatcher.post("/api/analytics/warnings/tasks", json=body)
    assert response.status_code == 201, response.text
    task = response.json()
    assert task["unit"] == WANGJING_UNIT and task["kind"] == "warning" and task["warning"]["observed"] == 12
    assert set(task) == answers.TASK and set(task["warning"]) == answers.TASK_WARNING
    assert s.dispatcher.post("/api/analytics/warnings/tasks", json=body).status_code == 409
    quiet = {**body, "street": "110105011"}
    refused = s.dispatcher.post("/api/analytics/warnings/tasks", json=quiet)
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "street"
    done = s.street.post(f"/api/analytics/tasks/{task['id']}/done", json={"outcome": "已现场排查并协调"})
    assert done.status_code == 200
    detail = s.dispatcher.get(f"/api/analytics/tasks/{task['id']}").json()
    assert detail["status"] == "done" and "demand" in detail and detail["demand"]["before"] >= 12
    assert set(detail) == answers.TASK | {"demand"} and set(detail["demand"]) == answers.DEMAND
    assert session.scalar(select(func.count()).select_from(EarlyWarning)) == 1
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("analytics.%"))))
    assert actions == {"analytics.warning_task", "analytics.task_done"}
    again = s.street.post(f"/api/analytics/tasks/{task['id']}/done", json={"outcome": "再次"})
    assert again.status_code == 409


def test_forecast_and_recurring_problems(app: FastAPI, spike: date) -> None:
    c = staff(app).dispatcher
    forecasts = c.get("/api/analytics/forecast", params={"horizon": 3}).json()
    assert [(f["category"], f["label"]) for f in forecasts] == [("02", "环境保护")]
    noise = forecasts[0]
    assert set(noise) == answers.FORECAST and len(noise["history"]) == 9 and len(noise["forecast"]) == 3
    assert all(set(w) == answers.WEEK for w in noise["history"] + noise["forecast"])
    assert all(type(w["count"]) is int for w in noise["history"])
    assert all(type(w["count"]) is float and w["count"] >= 0 for w in noise["forecast"])
    recurring = c.get("/api/analytics/recurring", params={"min_weeks": 8}).json()
    assert {(r["community_code"], r["category_code"]) for r in recurring} == {
        (WANGJING[2], "020201"),
        (JIUXIANQIAO[2], "020201"),
    }
    assert all(set(r) == answers.RECURRING and r["weeks"] >= 8 for r in recurring)
