"""每月一题: rank candidate problems, choose one as the month's topic, and measure demand before/after.

A candidate is a category × district × keyword of the month. Its score multiplies four signals, each
bounded so that none dominates:

    score = log(1 + volume) × (1 + recurrence / 5) × (1 + log(1 + spread) / 3) × clip(growth, 0.5, 3)

- volume: its demands in the month;
- recurrence: how many of the five months before also had at least half as many (0–5);
- spread: how many streets of the district reported the category that month;
- growth: the month's volume over the mean of the three months before (+1 smoothing).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhili.analytics.engine import Engine
from zhili.analytics.filters import Reach, ViewFilter, Where, where_for
from zhili.analytics.labels import Labels
from zhili.analytics.models import ProactiveTask, Topic, TopicCase
from zhili.analytics.views import source
from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.errors import Conflict, ValidationFailed
from zhili.kernel import months
from zhili.kernel.clock import local_zone
from zhili.taxonomy.models import Category
from zhili.units.models import Unit

MAX_LINKED = 10_000
HISTORY_MONTHS = 5


def month_bounds(month: str) -> tuple[date, date]:
    """The first and the last day of a ``YYYY-MM`` month."""
    try:
        first = months.parse(month)
    except ValueError:
        raise ValidationFailed("月份格式应为 YYYY-MM", field="month") from None
    return first, months.shift(first, 1) - timedelta(days=1)


def score(volume: int, recurrence: int, spread: int, growth: float) -> float:
    return round(
        math.log1p(volume) * (1 + recurrence / 5) * (1 + math.log1p(spread) / 3) * min(max(growth, 0.5), 3.0),
        4,
    )


def candidates(
    engine: Engine, labels: Labels, reach: Reach, month: str, limit: int = 20
) -> list[dict[str, Any]]:
    first, last = month_bounds(month)
    start = months.shift(first, -HISTORY_MONTHS)
    f = ViewFilter(date_from=start, date_to=last)
    src = source(engine, reach, f, {"category_code", "keyword", "district_code"})
    count = "sum(n)" if src.rollup else "count(*)"
    spread_src = source(
        engine, reach, ViewFilter(date_from=first, date_to=last), {"street_code", "category_code"}
    )
    previous = [f"{months.shift(first, -k):%Y-%m}" for k in range(1, HISTORY_MONTHS + 1)]
    marks = ", ".join("?" for _ in previous)
    # DuckDB reduces each series (category × district × keyword) to its signals and ranks them by the
    # score in floating point; Python then scores the few near the top exactly (the rounding to 4
    # places can reorder scores closer than 1e-4, hence the margin).
    rows = engine.rows(
        f"""WITH s AS (
                SELECT category_code, district_code, coalesce(keyword, '') AS keyword, month, {count} AS n
                FROM {src.table}
                WHERE {src.where.sql} AND category_code IS NOT NULL AND district_code IS NOT NULL
                GROUP BY ALL),
            v AS (SELECT category_code, district_code, keyword, n AS volume FROM s WHERE month = ?),
            spread AS (
                SELECT category_code, district_code, count(DISTINCT street_code) AS streets
                FROM {spread_src.table} WHERE {spread_src.where.sql} GROUP BY ALL),
            signals AS (
                SELECT v.category_code, v.district_code, v.keyword, v.volume,
                       count_if(s.month IN ({marks}) AND s.n >= greatest(1, v.volume / 2)) AS recurrence,
                       coalesce(sum(s.n) FILTER (WHERE s.month IN (?, ?, ?)), 0) AS base3,
                       coalesce(any_value(spread.streets), 0) AS streets
                FROM v JOIN s USING (category_code, district_code, keyword)
                LEFT JOIN spread USING (category_code, district_code)
                WHERE v.volume > 0 GROUP BY ALL),
            scored AS (
                SELECT *, ln(1 + volume) * (1 + recurrence / 5) * (1 + ln(1 + streets) / 3)
                          * least(greatest((volume + 1) / (base3 / 3 + 1), 0.5), 3.0) AS rough
                FROM signals)
            SELECT * FROM scored
            WHERE rough >= (SELECT min(rough) FROM (SELECT rough FROM scored ORDER BY rough DESC LIMIT ?))
                           - 1e-3""",
        [*src.where.params, month, *spread_src.where.params, *previous, *previous[:3], int(limit)],
    )
    category_name = labels.names("category", (r["category_code"] for r in rows))
    district_name = labels.names("district", (r["district_code"] for r in rows))
    ranked: list[dict[str, Any]] = []
    for r in rows:
        volume, recurrence, streets = int(r["volume"]), int(r["recurrence"]), int(r["streets"])
        growth = (volume + 1) / (int(r["base3"]) / 3 + 1)
        category, district = r["category_code"], r["district_code"]
        ranked.append(
            {
                "category": category,
                "category_label": category_name(category),
                "area": district,
                "area_label": district_name(district),
                "keyword": r["keyword"],
                "volume": volume,
                "recurrence": recurrence,
                "spread": streets,
                "growth": round(growth, 3),
                "score": score(volume, recurrence, streets, growth),
            }
        )
    ranked.sort(key=lambda c: (-float(c["score"]), str(c["category"]), str(c["area"]), str(c["keyword"])))
    return ranked[:limit]


@dataclass(frozen=True)
class TaskSpec:
    unit: str
    due: date
    note: str | None = None


def _unit(session: Session, code: str, field: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise ValidationFailed(f"单位不存在：{code}", field=field)
    return unit


def due_at(due: date, tz: str, today: date, field: str) -> datetime:
    if due < today:
        raise ValidationFailed("期限不能早于今天", field=field)
    return datetime(due.year, due.month, due.day, 18, 0, tzinfo=local_zone(tz)).astimezone(UTC)


def choose(
    session: Session,
    engine: Engine,
    actor: Actor,
    reach: Reach,
    *,
    month: str,
    category: str,
    area: str,
    keyword: str,
    title: str,
    tasks: list[TaskSpec],
    tz: str,
    now: datetime,
) -> Topic:
    first, last = month_bounds(month)
    category_id = session.scalar(select(Category.id).where(Category.code == category))
    if category_id is None:
        raise ValidationFailed(f"类别不存在：{category}", field="category")
    if not area.isdigit() or len(area) not in (6, 9):
        raise ValidationFailed("区域须为区（6 位）或街乡（9 位）编码", field="area")
    if not tasks:
        raise ValidationFailed("请至少为一个单位布置任务", field="tasks")
    units = [(_unit(session, t.unit, "tasks"), t) for t in tasks]
    today = now.astimezone(local_zone(tz)).date()
    dues = [due_at(t.due, tz, today, "tasks") for _, t in units]
    exists = session.scalar(
        select(Topic.id).where(
            Topic.month == month,
            Topic.category_code == category,
            Topic.area_code == area,
            Topic.keyword == keyword,
        )
    )
    if exists is not None:
        raise Conflict("该问题已被选为本月一题", field="category")
    metrics = next(
        (
            c
            for c in candidates(engine, Labels(session), reach, month, limit=100_000)
            if c["category"] == category and c["area"] == area[:6] and c["keyword"] == keyword
        ),
        {"volume": 0, "recurrence": 0, "spread": 0, "growth": 1.0, "score": 0.0},
    )
    topic = Topic(
        month=month, title=title, category_code=category, area_code=area, keyword=keyword,
        score=float(metrics["score"]), metrics=json.dumps(metrics, ensure_ascii=False),
        status="open", chosen_by=actor.username, chosen_at=now,
    )  # fmt: skip
    session.add(topic)
    session.flush()
    zone = local_zone(tz)
    start = datetime(first.year, first.month, first.day, tzinfo=zone).astimezone(UTC)
    end = datetime(last.year, last.month, last.day, tzinfo=zone).astimezone(UTC) + timedelta(days=1)
    statement = (
        readable_cases(actor)
        .with_only_columns(Case.id)
        .where(
            Case.category_id == category_id,
            Case.division_code.startswith(area, autoescape=True),
            Case.received_at >= start,
            Case.received_at < end,
        )
    )
    if keyword:
        statement = statement.where(
            or_(
                Case.title.contains(keyword, autoescape=True),
                Case.description.contains(keyword, autoescape=True),
            )
        )
    ids = list(session.scalars(statement.order_by(Case.id).limit(MAX_LINKED)))
    session.add_all(TopicCase(topic_id=topic.id, case_id=i) for i in ids)
    for (unit, spec), due in zip(units, dues, strict=True):
        session.add(
            ProactiveTask(
                kind="topic", topic_id=topic.id, unit_id=unit.id, title=title, note=spec.note, due_at=due,
                status="open", created_by=actor.username, created_at=now,
            )
        )  # fmt: skip
    session.flush()
    audit.record(
        session, actor=actor.username, action="analytics.topic", target_type="topic", target_id=topic.id,
        detail={"month": month, "category": category, "area": area, "cases": len(ids), "tasks": len(units)},
    )  # fmt: skip
    return topic


def demand_change(
    engine: Engine, reach: Reach, *, category: str, area: str, keyword: str, pivot: date, days: int
) -> dict[str, Any]:
    """Daily demand of a category × area (× keyword) in ``days`` before ``pivot`` and from it on."""
    before_from, after_to = pivot - timedelta(days=days), pivot + timedelta(days=days - 1)
    where: Where = where_for(reach, ViewFilter(date_from=before_from, date_to=after_to, category=category))
    column = "district_code" if len(area) == 6 else "street_code"
    where.add(f"{column} = ?", area)
    if keyword:
        where.add("keyword = ?", keyword)
    rows = engine.rows(
        f"SELECT (local_date >= ?) AS after, count(*) AS n, count(DISTINCT local_date) AS days "
        f"FROM cases WHERE {where.sql} GROUP BY 1",
        [pivot, *where.params],
    )
    counts = {bool(r["after"]): int(r["n"]) for r in rows}
    latest = engine.rows(f"SELECT max(local_date) AS d FROM cases WHERE {where_for(reach, ViewFilter()).sql}",
                         where_for(reach, ViewFilter()).params)[0]["d"]  # fmt: skip
    observed_after = 0 if latest is None else max(0, min(days, (latest - pivot).days + 1))
    before_rate = counts.get(False, 0) / days
    after_rate = counts.get(True, 0) / observed_after if observed_after else None
    return {
        "pivot": pivot.isoformat(),
        "days": days,
        "before": counts.get(False, 0),
        "after": counts.get(True, 0),
        "after_days_observed": observed_after,
        "before_per_day": round(before_rate, 3),
        "after_per_day": None if after_rate is None else round(after_rate, 3),
        "change": None if after_rate is None or before_rate == 0 else round(after_rate / before_rate - 1, 3),
    }


__all__ = ["candidates", "choose", "demand_change", "month_bounds", "score"]
