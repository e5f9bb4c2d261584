"""Compute the assessment of a period (set-based), and publish it as a frozen, versioned run."""

from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from zhili.assessment import repository
from zhili.assessment.aggregates import CoSums, LeadSums, co_sums, lead_sums
from zhili.assessment.config import Rules
from zhili.assessment.models import AssessmentResult, AssessmentRun, League
from zhili.assessment.periods import Period
from zhili.assessment.scoring import LEAGUE_OF_KIND, UnitScore, apply_previous, rank_league, score
from zhili.audit.service import record
from zhili.kernel.clock import utcnow

Units = list[tuple[int, str, str, League]]


def assessed_units(session: Session) -> Units:
    """The units that can be assessed, with their league: read once when two periods are computed."""
    return [
        (uid, code, name, LEAGUE_OF_KIND[kind])
        for uid, code, name, kind in repository.assessed_units(session)
    ]


def compute(
    session: Session,
    period: Period,
    rules: Rules,
    tz: ZoneInfo,
    *,
    live: bool = False,
    units: Units | None = None,
) -> list[UnitScore]:
    """Every unit with assessed work in the period, scored and ranked within its league.

    ``live`` reads every case instead of the per-day sums (the same result; tests compare the two).
    """
    start, end = period.bounds(tz)
    if session.get_bind().dialect.name == "postgresql":
        # Small GROUP BYs (one scan, when live): compiling them with JIT costs more than it saves.
        session.execute(text("SET LOCAL jit = off"))
    if units is None:
        units = assessed_units(session)
    leads, excluded = lead_sums(session, [u[0] for u in units], rules, start, end, live=live)
    cos = co_sums(session, rules, start, end, utcnow())
    leagues: dict[League, list[UnitScore]] = defaultdict(list)
    for unit_id, code, name, league in units:
        lead, co = leads.get(unit_id), cos.get(unit_id)
        if (lead is None or lead.cases == 0) and co is None and unit_id not in excluded:
            continue
        row = score(UnitScore(unit_id, code, name, league), lead or LeadSums(), co or CoSums(), rules)
        row.excluded_by_appeal = excluded.get(unit_id, 0)
        leagues[league].append(row)
    return [row for league in League for row in rank_league(leagues.get(league, []), rules)]


def compare_with_previous(
    session: Session,
    period: Period,
    rules: Rules,
    tz: ZoneInfo,
    rows: list[UnitScore],
    units: Units | None = None,
) -> None:
    """Change against the previous period as published (its newest version); computed with the
    current rules when that period was never published."""
    previous = period.previous()
    run = repository.latest_run(session, previous)
    if run is not None:
        positions = repository.previous_positions(session, run.id)
    else:
        computed = compute(session, previous, rules, tz, units=units)
        positions = {r.unit_id: (r.rank, r.composite) for r in computed}
    apply_previous(rows, positions)


def publish(
    session: Session,
    period: Period,
    rules: Rules,
    tz: ZoneInfo,
    *,
    actor: str,
    rule_set_id: int | None = None,
    note: str | None = None,
) -> tuple[AssessmentRun, list[UnitScore]]:
    """Compute and store a new version of the period; earlier versions stay as they were."""
    units = assessed_units(session)
    rows = compute(session, period, rules, tz, units=units)
    compare_with_previous(session, period, rules, tz, rows, units)
    run = AssessmentRun(
        period_start=period.start,
        period_end=period.end,
        label=period.label,
        monthly=period.monthly,
        version=repository.next_version(session, period),
        rules=rules.as_json(),
        rule_set_id=rule_set_id,
        case_count=sum(r.case_count for r in rows),
        published_by=actor,
        published_at=utcnow(),
        note=note,
    )
    session.add(run)
    session.flush()
    # vars(), not asdict(): the fields are plain values, and asdict's deep copy was a third of the publish.
    session.bulk_insert_mappings(AssessmentResult, [{**vars(r), "run_id": run.id} for r in rows])
    session.flush()
    record(
        session,
        actor=actor,
        action="assessment.publish",
        target_type="assessment_run",
        target_id=run.id,
        detail={"period": period.label, "version": run.version, "units": len(rows), "cases": run.case_count},
    )
    return run, rows
