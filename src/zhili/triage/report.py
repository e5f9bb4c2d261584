"""The override report (how often dispatchers change a suggestion, by suggested category and by
suggested unit) and the measured precision of suggestions at a confidence threshold. Both read the
recorded decisions of the cases the reader may read."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.errors import ValidationFailed
from zhili.taxonomy.models import Category
from zhili.triage.decisions import ACCEPTED, AUTO, OVERRIDDEN
from zhili.triage.models import TriageDecision
from zhili.triage.schemas import OverrideReportOut, PrecisionOut, RateRowOut
from zhili.units.models import Unit

CURVE = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)


def _scoped(actor: Actor) -> Select[TriageDecision]:
    readable = readable_cases(actor).with_only_columns(Case.id)
    return select(TriageDecision).where(TriageDecision.case_id.in_(readable))


def _rows(
    counts: Counter[str | None], overrides: Counter[str | None], names: dict[str, str]
) -> list[RateRowOut]:
    rows = [
        RateRowOut(
            code=code,
            name=names.get(code, code) if code else "（无建议）",
            decisions=n,
            overrides=overrides[code],
            rate=round(overrides[code] / n, 4),
        )
        for code, n in counts.items()
    ]
    rows.sort(key=lambda r: (-r.rate, -r.decisions, r.code or ""))
    return rows


def _names(session: Session, model: type[Unit] | type[Category], codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = session.execute(select(model.code, model.name).where(model.code.in_(codes)))
    return {code: name for code, name in rows}


def override_report(
    session: Session, actor: Actor, tz: ZoneInfo, since: date | None = None, until: date | None = None
) -> OverrideReportOut:
    """Override rates of the decisions made from ``since`` to ``until`` (days, both included)."""
    if since and until and until < since:
        raise ValidationFailed("结束日期不能早于开始日期", field="until")
    statement = _scoped(actor)
    if since:
        statement = statement.where(TriageDecision.decided_at >= datetime.combine(since, time.min, tz))
    if until:
        end = datetime.combine(until + timedelta(days=1), time.min, tz)
        statement = statement.where(TriageDecision.decided_at < end)
    decided = list(session.scalars(statement))
    people = [d for d in decided if d.outcome in (ACCEPTED, OVERRIDDEN)]
    by_category: Counter[str | None] = Counter(d.suggested_category for d in people)
    by_unit: Counter[str | None] = Counter(d.suggested_lead_unit for d in people)
    changed = [d for d in people if d.outcome == OVERRIDDEN]
    category_overrides: Counter[str | None] = Counter(d.suggested_category for d in changed)
    unit_overrides: Counter[str | None] = Counter(d.suggested_lead_unit for d in changed)
    category_names = _names(session, Category, {c for c in by_category if c})
    unit_names = _names(session, Unit, {u for u in by_unit if u})
    return OverrideReportOut(
        since=since,
        until=until,
        decisions=len(people),
        overrides=len(changed),
        rate=round(len(changed) / len(people), 4) if people else 0.0,
        auto_dispatched=sum(1 for d in decided if d.outcome == AUTO),
        by_category=_rows(by_category, category_overrides, category_names),
        by_unit=_rows(by_unit, unit_overrides, unit_names),
    )


def precision_curve(session: Session, actor: Actor, thresholds: list[float]) -> list[PrecisionOut]:
    """Of the suggestions a person decided with confidence ≥ each threshold, the share accepted."""
    statement = _scoped(actor).where(TriageDecision.outcome.in_((ACCEPTED, OVERRIDDEN)))
    decided = [(d.confidence, d.outcome == ACCEPTED) for d in session.scalars(statement)]
    out = []
    for threshold in thresholds:
        above = [ok for confidence, ok in decided if confidence >= threshold]
        accepted = sum(above)
        out.append(
            PrecisionOut(
                threshold=threshold,
                decisions=len(above),
                accepted=accepted,
                precision=round(accepted / len(above), 4) if above else None,
            )
        )
    return out
