"""From counts to rates, composite, ranks and focus streets: the rules applied to the sums.

Pure functions over the numbers the SQL produced, so that each rule is easy to check by hand:

- 响应率 = cases contacted within the limit / assessed cases;
- 解决率 = solved / cases with a 回访 answer (+ unreachable cases unless excluded, + 重办 rounds);
- 满意率 = (满意 + partial credit x 基本满意) / cases rated (same additions);
- 报到率 (co-units) = 报到 in time / called;
- composite = 100 x sum(weight x rate) / sum(weight), over the rates the unit has cases for.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhili.assessment.aggregates import CoSums, LeadSums
from zhili.assessment.config import Rules
from zhili.assessment.models import League
from zhili.units.models import UnitKind

LEAGUE_OF_KIND = {
    UnitKind.street: League.street,
    UnitKind.district_dept: League.district_dept,
    UnitKind.district_gov: League.district_dept,
    UnitKind.city_dept: League.city_dept,
    UnitKind.enterprise: League.enterprise,
}


@dataclass
class UnitScore:
    unit_id: int
    unit_code: str
    unit_name: str
    league: League
    case_count: int = 0
    response_ok: int = 0
    response_total: int = 0
    solved: int = 0
    resolution_total: int = 0
    satisfied: int = 0
    basically_satisfied: int = 0
    satisfaction_total: int = 0
    checkin_ok: int = 0
    checkin_total: int = 0
    excluded_by_appeal: int = 0
    response_rate: float | None = None
    resolution_rate: float | None = None
    satisfaction_rate: float | None = None
    checkin_rate: float | None = None
    composite: float | None = None
    rank: int | None = None
    focus: bool = False
    previous_rank: int | None = None
    previous_composite: float | None = None
    rank_change: int | None = None
    composite_change: float | None = None


def _rate(numerator: float, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def score(unit: UnitScore, lead: LeadSums, co: CoSums, rules: Rules) -> UnitScore:
    unreachable_counts = rules.unreachable != "exclude"
    unreachable_solved = lead.unreachable if rules.unreachable == "solved" else 0
    rounds = lead.reopens if rules.reopen == "each" else 0
    unit.case_count = lead.cases
    unit.response_ok, unit.response_total = lead.responded, lead.cases
    unit.solved = lead.solved + lead.direct + unreachable_solved
    unit.resolution_total = (
        lead.answered + lead.direct + (lead.unreachable if unreachable_counts else 0) + rounds
    )
    unit.satisfied = lead.satisfied + lead.direct + unreachable_solved
    unit.basically_satisfied = lead.basic
    unit.satisfaction_total = (
        lead.rated + lead.direct + (lead.unreachable if unreachable_counts else 0) + rounds
    )
    unit.checkin_ok, unit.checkin_total = co.on_time, co.total
    unit.response_rate = _rate(unit.response_ok, unit.response_total)
    unit.resolution_rate = _rate(unit.solved, unit.resolution_total)
    unit.satisfaction_rate = _rate(
        unit.satisfied + rules.partial_credit * unit.basically_satisfied, unit.satisfaction_total
    )
    unit.checkin_rate = _rate(unit.checkin_ok, unit.checkin_total)
    unit.composite = composite(unit, rules)
    return unit


def composite(unit: UnitScore, rules: Rules) -> float | None:
    parts = [
        (rules.weight_response, unit.response_rate),
        (rules.weight_resolution, unit.resolution_rate),
        (rules.weight_satisfaction, unit.satisfaction_rate),
        (rules.weight_checkin, unit.checkin_rate),
    ]
    weight = sum(w for w, rate in parts if rate is not None and w > 0)
    if weight <= 0:
        return None
    return round(100 * sum(w * rate for w, rate in parts if rate is not None and w > 0) / weight, 2)


def rank_league(rows: list[UnitScore], rules: Rules) -> list[UnitScore]:
    """Competition ranking (1, 2, 2, 4) by composite within one league; units below ``min_cases`` or
    without a composite are listed unranked at the end. Ties at the focus boundary are all marked."""
    ranked: list[UnitScore] = []
    unranked: list[UnitScore] = []
    for row in rows:  # one pass: a membership test on the dataclasses would compare every field
        (ranked if row.case_count >= rules.min_cases and row.composite is not None else unranked).append(row)
    ranked.sort(key=lambda r: (-(r.composite or 0), -r.case_count, r.unit_code))
    for position, row in enumerate(ranked, start=1):
        previous = ranked[position - 2] if position > 1 else None
        row.rank = previous.rank if previous and previous.composite == row.composite else position
    for row in unranked:
        row.rank = None
    if ranked and ranked[0].league == League.street and rules.focus_streets:
        bottom = ranked[-min(rules.focus_streets, len(ranked))]
        for row in ranked:
            row.focus = (row.composite or 0) <= (bottom.composite or 0)
    unranked.sort(key=lambda r: (-r.case_count, r.unit_code))
    return ranked + unranked


def apply_previous(rows: list[UnitScore], previous: dict[int, tuple[int | None, float | None]]) -> None:
    """Change in rank (positive: moved up) and in composite against the previous period."""
    for row in rows:
        rank, points = previous.get(row.unit_id, (None, None))
        row.previous_rank, row.previous_composite = rank, points
        row.rank_change = rank - row.rank if rank is not None and row.rank is not None else None
        row.composite_change = (
            round(row.composite - points, 2) if points is not None and row.composite is not None else None
        )
