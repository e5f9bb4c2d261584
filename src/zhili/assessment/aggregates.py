"""The set-based part of the assessment: one GROUP BY per source, never a loop over cases.

``lead_sums`` counts, per lead unit and closure kind, what the three rates are made of;
``co_sums`` counts co-units' 报到 (吹哨报到) per unit. The sums are additive: merged duplicates (when
they count) are added, and cases excluded by appeal (核减) are subtracted, each by its own small query.
The big part, a month's closed cases, is read from the per-day sums the database keeps
(``assessment.daily``) for whole days, and from the covering index ``ix_cases_assessment`` for the
part days at the period's edges (or for every day, by received time).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, null, or_, select
from sqlalchemy.orm import Session, aliased

from zhili.assessment import daily
from zhili.assessment.config import Rules
from zhili.assessment.models import Appeal, AppealStatus
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState, ClosureKind, Satisfaction


@dataclass
class LeadSums:
    """What one lead unit's cases add up to; every field is a plain count."""

    cases: int = 0
    responded: int = 0  # contacted within the contact limit (or no contact limit applied)
    answered: int = 0  # 回访 answered whether solved
    solved: int = 0
    rated: int = 0  # 回访 gave a satisfaction
    satisfied: int = 0
    basic: int = 0  # 基本满意
    unreachable: int = 0  # closed because the citizen could not be reached
    direct: int = 0  # 直接办结
    reopens: int = 0  # 重办 rounds

    def add(self, other: LeadSums, sign: int = 1) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + sign * getattr(other, f.name))


@dataclass
class CoSums:
    total: int = 0
    on_time: int = 0


def excluded_statuses(rules: Rules) -> list[AppealStatus]:
    """Appeals that take a case out of a unit's rates: approved ones, and pending ones if configured."""
    return (
        [AppealStatus.approved, AppealStatus.pending]
        if rules.exclude_under_appeal
        else [AppealStatus.approved]
    )


def closure_kinds(rules: Rules) -> list[ClosureKind]:
    kinds = [ClosureKind.handled, ClosureKind.unreachable, ClosureKind.imported]
    return kinds if rules.exclude_direct else [*kinds, ClosureKind.direct]


def _flag(condition: ColumnElement[bool]) -> Any:
    """How many rows of the group meet the condition (``count(*) FILTER (WHERE ...)``)."""
    return func.count().filter(condition)


def _measures(c: Any, answers_counted: bool = True) -> list[Any]:
    """The aggregate columns over a cases alias ``c``, in the order ``_fold`` reads them.

    Without ``answers_counted`` the two counts of 回访 answers are left out (NULL): a case closed as
    handled always has both, since the lifecycle closes it only after a complete 回访. Fewer
    aggregates per row is most of what the big scan costs.
    """
    answered = func.count(c.visit_solved) if answers_counted else null()
    rated = func.count(c.satisfaction) if answers_counted else null()
    return [
        func.count(),
        # A case without a contact limit (直接办结, legacy imports) was never late.
        _flag(or_(c.contact_due.is_(None), c.contacted_at <= c.contact_due)),
        answered,
        _flag(c.visit_solved.is_(True)),
        rated,
        _flag(c.satisfaction == Satisfaction.satisfied),
        _flag(c.satisfaction == Satisfaction.basically_satisfied),
        func.coalesce(func.sum(c.reopen_count), 0),
    ]


def _fold(rows: Iterable[Sequence[Any]]) -> dict[int, LeadSums]:
    """Rows of (unit_id, closure_kind, *measures) into sums per unit."""
    out: dict[int, LeadSums] = {}
    for unit_id, kind, n, on_time, answered, solved, rated, satisfied, basic, reopens in rows:
        sums = out.setdefault(int(unit_id), LeadSums())
        sums.cases += int(n)
        sums.reopens += int(reopens)
        sums.responded += int(on_time)
        if kind == ClosureKind.unreachable:
            sums.unreachable += int(n)  # any earlier round's 回访 answer is stale
        elif kind == ClosureKind.direct:
            sums.direct += int(n)
        else:
            sums.answered += int(n if answered is None else answered)
            sums.solved += int(solved)
            sums.rated += int(n if rated is None else rated)
            sums.satisfied += int(satisfied)
            sums.basic += int(basic)
    return out


def _in_period(c: Any, rules: Rules, start: datetime, end: datetime) -> ColumnElement[bool]:
    column = c.closed_at if rules.basis == "closed" else c.received_at
    return and_(column >= start, column < end)


def assessed_clause(
    c: Any, rules: Rules, start: datetime, end: datetime, kinds: Sequence[ClosureKind] | None = None
) -> ColumnElement[bool]:
    return and_(
        c.state == CaseState.closed,
        c.closure_kind.in_(closure_kinds(rules) if kinds is None else kinds),
        _in_period(c, rules, start, end),
    )


def _grouped(c: Any, query: Select[Any]) -> Select[Any]:
    return query.group_by(c.lead_unit_id, c.closure_kind)


def lead_sums(
    session: Session,
    unit_ids: Sequence[int],
    rules: Rules,
    start: datetime,
    end: datetime,
    *,
    live: bool = False,
) -> tuple[dict[int, LeadSums], dict[int, int]]:
    """Sums per lead unit over the period's assessed cases, and the cases excluded per unit by appeal.

    By closed time (the default basis) the whole days come from ``assessment_daily_sums`` and only
    part days at the period's edges (none in Beijing) are read from the cases; ``live`` reads every case (the
    reference the precomputed sums are tested against). By received time every case is read.
    """
    totals: dict[int, LeadSums] = {}
    spans: list[tuple[datetime, datetime]] = [(start, end)]
    if rules.basis == "closed" and not live:
        days, spans = daily.split(start, end)
        if days is not None:
            for unit_id, sums in _fold(daily.day_rows(session, unit_ids, closure_kinds(rules), days)).items():
                totals.setdefault(unit_id, LeadSums()).add(sums)
    for lo, hi in spans:
        for unit_id, sums in _case_sums(session, unit_ids, rules, lo, hi).items():
            totals.setdefault(unit_id, LeadSums()).add(sums)

    if not rules.exclude_merged:
        for unit_id, extra in _merged_sums(session, rules, start, end).items():
            totals.setdefault(unit_id, LeadSums()).add(extra)

    c = aliased(Case, name="c")
    appealed = select(c.lead_unit_id, c.closure_kind, *_measures(c)).join(
        Appeal, and_(Appeal.case_id == c.id, Appeal.unit_id == c.lead_unit_id)
    )
    appealed = appealed.where(
        Appeal.status.in_(excluded_statuses(rules)), assessed_clause(c, rules, start, end)
    )
    excluded: dict[int, int] = {}
    for unit_id, minus in _fold(session.execute(_grouped(c, appealed)).all()).items():
        if unit_id in totals:
            totals[unit_id].add(minus, -1)
            excluded[unit_id] = minus.cases
    return totals, excluded


def _case_sums(
    session: Session, unit_ids: Sequence[int], rules: Rules, start: datetime, end: datetime
) -> dict[int, LeadSums]:
    """The cases closed (or received) in [start, end), read from the cases.

    The unit list leads the WHERE clause so that the covering index ``ix_cases_assessment`` (unit,
    state, closure kind, closed time, ...) is read in GROUP BY order, one range per unit.
    """
    c = aliased(Case, name="c")
    totals: dict[int, LeadSums] = {}
    lifecycle = [k for k in closure_kinds(rules) if k != ClosureKind.imported]
    for kinds, counted in ((lifecycle, False), ([ClosureKind.imported], True)):
        query = select(c.lead_unit_id, c.closure_kind, *_measures(c, counted)).where(
            c.lead_unit_id.in_(unit_ids), assessed_clause(c, rules, start, end, kinds)
        )
        for unit_id, sums in _fold(session.execute(_grouped(c, query)).all()).items():
            totals.setdefault(unit_id, LeadSums()).add(sums)
    return totals


def _appeal_excludes(case_id: Any, unit_id: Any, rules: Rules) -> ColumnElement[bool]:
    return exists().where(
        Appeal.case_id == case_id, Appeal.unit_id == unit_id, Appeal.status.in_(excluded_statuses(rules))
    )


def _merged_sums(session: Session, rules: Rules, start: datetime, end: datetime) -> dict[int, LeadSums]:
    """A merged duplicate counts as one more case of its primary's lead unit, with the primary's outcome."""
    dup = aliased(Case, name="dup")
    p = aliased(Case, name="p")
    query = (
        select(p.lead_unit_id, p.closure_kind, *_measures(p))
        .select_from(dup)
        .join(p, p.id == dup.merged_into_id)
        .where(
            dup.state == CaseState.merged,
            p.lead_unit_id.is_not(None),
            assessed_clause(p, rules, start, end),
            ~_appeal_excludes(p.id, p.lead_unit_id, rules),
        )
    )
    return _fold(session.execute(_grouped(p, query)).all())


def co_sums(
    session: Session, rules: Rules, start: datetime, end: datetime, now: datetime
) -> dict[int, CoSums]:
    """吹哨报到: per co-unit, the calls whose 报到 deadline fell in the period, and those met in time.

    A call counts once it is decided: checked in, or its deadline has passed (``now``). A co-unit
    released before it checked in (the lead's 退单 was approved) is not scored for that call. Read
    from the covering index ``ix_case_assignments_role_checkin`` alone, without touching the cases;
    the calls excluded by an appeal (核减) are then subtracted, found from the few appeals (one
    assignment per case, unit and role, one appeal per case and unit), rather than looked up per call.
    """
    a = aliased(CaseAssignment, name="a")
    on_time = and_(
        a.checked_in_at.is_not(None), or_(a.checkin_due.is_(None), a.checked_in_at <= a.checkin_due)
    )
    counted = and_(
        a.role == AssignmentRole.co,
        a.checkin_due >= start,
        a.checkin_due < end,
        or_(
            a.checked_in_at.is_not(None),
            and_(a.checkin_due <= now, a.status != AssignmentStatus.released),
        ),
    )
    query = select(a.unit_id, func.count(), _flag(on_time)).where(counted).group_by(a.unit_id)
    sums = {int(u): CoSums(int(n), int(ok or 0)) for u, n, ok in session.execute(query).all()}
    excluded = (
        select(a.unit_id, func.count(), _flag(on_time))
        .select_from(Appeal)
        .join(a, and_(a.case_id == Appeal.case_id, a.unit_id == Appeal.unit_id))
        .where(Appeal.status.in_(excluded_statuses(rules)), counted)
        .group_by(a.unit_id)
    )
    for unit_id, n, ok in session.execute(excluded).all():
        unit_sums = sums[int(unit_id)]
        unit_sums.total -= int(n)
        unit_sums.on_time -= int(ok or 0)
        if unit_sums.total == 0:
            del sums[int(unit_id)]
    return sums
