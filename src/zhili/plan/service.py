"""Plan indicators: keep the catalogue, recompute what zhili can compute, accept entered values
with evidence, and measure progress against the straight-line trajectory to the deadline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.errors import Conflict, NotFound, ValidationFailed
from zhili.kernel.clock import utcnow
from zhili.plan import repository
from zhili.plan.catalogue import BASELINE_ON, DEADLINE, INDICATORS
from zhili.plan.compute import COMPUTERS
from zhili.plan.models import Comparison, Indicator, IndicatorValue, Method

CITY = "11"


def ensure_catalogue(session: Session) -> int:
    """Insert missing indicators and refresh the definitions of existing ones; values are kept."""
    added = 0
    for position, definition in enumerate(INDICATORS):
        row = session.get(Indicator, definition.code)
        if row is None:
            row = Indicator(code=definition.code)
            session.add(row)
            added += 1
        row.name = definition.name
        row.unit = definition.unit
        row.baseline = definition.baseline
        row.baseline_on = BASELINE_ON
        row.target = definition.target
        row.comparison = definition.comparison
        row.deadline = DEADLINE
        row.source = definition.source
        row.method = definition.method
        row.note = definition.note
        row.position = position
    session.flush()
    return added


def _store(
    session: Session,
    indicator: Indicator,
    as_of: date,
    value: float,
    *,
    actor: str,
    computed: bool,
    numerator: float | None = None,
    denominator: float | None = None,
    evidence: str | None = None,
) -> IndicatorValue:
    """One value per indicator and date: a later computation or entry on the same date replaces it."""
    row = session.execute(
        select(IndicatorValue).where(
            IndicatorValue.indicator_code == indicator.code, IndicatorValue.as_of == as_of
        )
    ).scalar_one_or_none()
    if row is None:
        row = IndicatorValue(indicator_code=indicator.code, as_of=as_of)
        session.add(row)
    row.value = value
    row.numerator = numerator
    row.denominator = denominator
    row.computed = computed
    row.evidence = evidence
    row.recorded_by = actor
    row.recorded_at = utcnow()
    session.flush()
    return row


def recompute(session: Session, *, actor: str, as_of: date, within: str = CITY) -> dict[str, float | None]:
    """Compute every computed indicator from current data and store it as the value on ``as_of``."""
    ensure_catalogue(session)
    results: dict[str, float | None] = {}
    for indicator in repository.indicators(session):
        if indicator.method != Method.computed:
            continue
        ratio = COMPUTERS[indicator.code](session, within)
        results[indicator.code] = ratio.percent if ratio else None
        if ratio is not None:
            _store(
                session,
                indicator,
                as_of,
                ratio.percent,
                actor=actor,
                computed=True,
                numerator=ratio.numerator,
                denominator=ratio.denominator,
            )
    audit.record(
        session,
        actor=actor,
        action="plan.recompute",
        target_type="plan",
        target_id=as_of.isoformat(),
        detail={"values": results},
    )
    return results


def enter_value(
    session: Session, *, actor: str, code: str, as_of: date, value: float, evidence: str
) -> IndicatorValue:
    ensure_catalogue(session)
    indicator = session.get(Indicator, code)
    if indicator is None:
        raise NotFound(f"未知的规划指标：{code}")
    if indicator.method == Method.computed:
        raise Conflict("该指标由系统根据业务数据计算，不能手工填报", field="value")
    if not evidence.strip():
        raise ValidationFailed("填报须附依据（文件、统计来源或链接）", field="evidence")
    if as_of < BASELINE_ON or as_of > utcnow().date():
        raise ValidationFailed("统计日期须在规划期内且不晚于今天", field="as_of")
    if value < 0 or (indicator.unit == "%" and value > 100):
        raise ValidationFailed("指标值超出合理范围", field="value")
    row = _store(session, indicator, as_of, value, actor=actor, computed=False, evidence=evidence.strip())
    audit.record(
        session,
        actor=actor,
        action="plan.enter",
        target_type="indicator",
        target_id=code,
        detail={"as_of": as_of.isoformat(), "value": value},
    )
    return row


@dataclass(frozen=True)
class Progress:
    indicator: Indicator
    latest: IndicatorValue | None
    expected: float
    status: str

    @property
    def completion(self) -> float | None:
        """How far from baseline to target the latest value is, in percent (can exceed 100)."""
        if self.latest is None:
            return None
        start = self.indicator.baseline or 0.0
        span = self.indicator.target - start
        return round((self.latest.value - start) / span * 100, 1) if span else 100.0

    @property
    def expected_completion(self) -> float:
        start = self.indicator.baseline or 0.0
        span = self.indicator.target - start
        return round((self.expected - start) / span * 100, 1) if span else 100.0


def expected_on(indicator: Indicator, day: date) -> float:
    """The straight-line trajectory from the baseline to the target at the deadline."""
    start = indicator.baseline or 0.0
    total = (indicator.deadline - indicator.baseline_on).days
    elapsed = min(max((day - indicator.baseline_on).days, 0), total)
    return round(start + (indicator.target - start) * elapsed / total, 2)


def meets(indicator: Indicator, value: float) -> bool:
    if indicator.comparison == Comparison.gt:
        return value > indicator.target
    return value >= indicator.target


def progress(session: Session, day: date) -> list[Progress]:
    ensure_catalogue(session)
    latest = repository.latest_values(session, day)
    rows = []
    for indicator in repository.indicators(session):
        value = latest.get(indicator.code)
        expected = expected_on(indicator, day)
        if value is None:
            status = "无数据"
        elif meets(indicator, value.value):
            status = "已达标"
        elif value.value >= expected:
            status = "符合进度"
        else:
            status = "滞后"
        rows.append(Progress(indicator, value, expected, status))
    return rows
