"""信访 figures by month × district × office, counted by matter, in one grouped statement.

Each figure is counted in the month its event happened (in the city's time zone):

- 按期受理率: matters decided (受理/转送/交办/不予受理) in the month, and of those decided within the
  15-working-day limit (``decided_on_time``, fixed when the decision is taken).
- 按期办结率: matters answered (答复意见书) in the month, and of those answered within the limit,
  an extension included (``replied_on_time``).
- 重复信访率 (by matter): matters registered in the month, and of those with two petitions or more.
- 积案化解数: matters answered (答复意见书, i.e. 办结) in the month that were already 积案 at the
  month's start: registered at least ``backlog_days`` before it and still unanswered. A matter in
  the petitioner's window for 复查/复核 is not backlog (``states.BACKLOG_STATES``), so a matter
  that ends by the window passing is not counted as a 积案 resolved.
- 群众满意率: satisfaction recorded in the month, and of those 满意 or 基本满意.

The statement is a UNION ALL of these events over ``repository.readable_matters(actor)`` (the one
scoped statement), grouped once. Months are CASE buckets on UTC bounds of the local months, so the
same SQL runs on SQLite and PostgreSQL. Nothing here names or counts a petitioner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, null, select, union_all
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.db import UTCDateTime
from zhili.kernel import months
from zhili.petitions.models import PetitionMatter
from zhili.petitions.repository import readable_matters
from zhili.petitions.schemas import PetitionFiguresOut, PetitionMonthlyFigureOut
from zhili.units.models import Unit

GOOD_SATISFACTION = ("satisfied", "basically_satisfied")
KINDS = ("registered", "decided", "replied", "backlog_resolved", "rated")


@dataclass(frozen=True)
class Period:
    """Consecutive local months: ``bounds[i]`` .. ``bounds[i + 1]`` is month ``labels[i]``."""

    labels: list[str]
    bounds: list[datetime]

    @classmethod
    def year(cls, year: int, tz: ZoneInfo) -> Period:
        first = date(year, 1, 1)
        days = [months.shift(first, i) for i in range(13)]
        bounds = [datetime(d.year, d.month, 1, tzinfo=tz) for d in days]
        return cls([f"{d:%Y-%m}" for d in days[:12]], bounds)


def _month_of(column: Any, period: Period) -> ColumnElement[str | None]:
    whens = [
        (and_(column >= start, column < end), literal(label))
        for label, start, end in zip(period.labels, period.bounds, period.bounds[1:], strict=False)
    ]
    return case(*whens, else_=null())


def _backlog_line(column: Any, period: Period, days: int) -> ColumnElement[Any]:
    """For a time in month m: the moment before which a matter was already 积案 at m's start."""
    whens = [
        (and_(column >= start, column < end), literal(start - timedelta(days=days), UTCDateTime()))
        for start, end in zip(period.bounds, period.bounds[1:], strict=False)
    ]
    return case(*whens, else_=null())


def _events(actor: Actor, period: Period, backlog_days: int) -> list[Select[Any]]:
    m = PetitionMatter
    district = func.substr(m.division_code, 1, 6)

    def part(kind: str, at: Any, good: ColumnElement[bool]) -> Select[Any]:
        month = _month_of(at, period)
        flag = case((good, 1), else_=0)
        return (
            readable_matters(actor)
            .with_only_columns(
                month.label("month"),
                district.label("district"),
                m.office_unit_id.label("office"),
                literal(kind).label("kind"),
                flag.label("good"),
            )
            .where(at >= period.bounds[0], at < period.bounds[-1])
        )

    return [
        part("registered", m.received_at, m.petitions > 1),
        part("decided", m.decided_at, m.decided_on_time.is_(True)),
        part("replied", m.replied_at, m.replied_on_time.is_(True)),
        part(
            "backlog_resolved",
            m.replied_at,
            m.received_at <= _backlog_line(m.replied_at, period, backlog_days),
        ),
        part("rated", m.satisfaction_at, m.satisfaction.in_(GOOD_SATISFACTION)),
    ]


def monthly(session: Session, actor: Actor, period: Period, backlog_days: int) -> list[dict[str, object]]:
    """Rows of (month, district, office) with each figure's count and its numerator."""
    events = union_all(*_events(actor, period, backlog_days)).subquery()
    e = events.c
    counted = []
    for kind in KINDS:
        counted.append(func.coalesce(func.sum(case((e.kind == kind, 1), else_=0)), 0))
        counted.append(func.coalesce(func.sum(case((e.kind == kind, e.good), else_=0)), 0))
    rows = session.execute(
        select(e.month, e.district, e.office, Unit.name, *counted)
        .join(Unit, Unit.id == e.office)
        .group_by(e.month, e.district, e.office, Unit.name)
        .order_by(e.month, e.district, e.office)
    ).all()
    keys = [f"{kind}{suffix}" for kind in KINDS for suffix in ("", "_good")]
    return [
        {"month": month, "division_code": d, "office": name, **dict(zip(keys, map(int, values), strict=True))}
        for month, d, _office, name, *values in rows
    ]


PLAN_NOTE = (
    "《北京市“十四五”时期社会治理发展规划》对信访提出“强力推进治理重复信访、化解信访积案专项工作，"
    "加强领导干部接访下访和包案”“充分发挥网上信访主渠道作用”，但未给出量化目标，"
    "因此这些数字不对应规划指标，仅作工作统计。"
)


def _rate(good: int, total: int) -> float | None:
    return round(good / total, 4) if total else None


def _out(month: str, division: str, office: str, counts: dict[str, int]) -> PetitionMonthlyFigureOut:
    return PetitionMonthlyFigureOut(
        month=month,
        division_code=division,
        office=office,
        registered=counts["registered"],
        repeated=counts["registered_good"],
        repeat_rate=_rate(counts["registered_good"], counts["registered"]),
        decided=counts["decided"],
        decided_on_time=counts["decided_good"],
        on_time_acceptance_rate=_rate(counts["decided_good"], counts["decided"]),
        replied=counts["replied"],
        replied_on_time=counts["replied_good"],
        on_time_completion_rate=_rate(counts["replied_good"], counts["replied"]),
        backlog_resolved=counts["backlog_resolved_good"],
        rated=counts["rated"],
        satisfied=counts["rated_good"],
        satisfaction_rate=_rate(counts["rated_good"], counts["rated"]),
    )


def report(session: Session, actor: Actor, year: int, tz: ZoneInfo, backlog_days: int) -> PetitionFiguresOut:
    rows = monthly(session, actor, Period.year(year, tz), backlog_days)
    keys = [f"{kind}{suffix}" for kind in KINDS for suffix in ("", "_good")]
    by_month: dict[str, dict[str, int]] = {}
    whole = dict.fromkeys(keys, 0)
    for row in rows:
        month = by_month.setdefault(str(row["month"]), dict.fromkeys(keys, 0))
        for key in keys:
            value = int(row[key])  # type: ignore[call-overload]
            month[key] += value
            whole[key] += value
    return PetitionFiguresOut(
        year=year,
        backlog_days=backlog_days,
        plan_note=PLAN_NOTE,
        rows=[
            _out(str(r["month"]), str(r["division_code"]), str(r["office"]), r)  # type: ignore[arg-type]
            for r in rows
        ],
        months=[_out(m, "", "合计", counts) for m, counts in sorted(by_month.items())],
        total=_out(str(year), "", "合计", whole),
    )
