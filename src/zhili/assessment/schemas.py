"""Pydantic in/out of the assessment API. Rates are fractions (0-1); the composite is in points (0-100)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from zhili.assessment.config import Rules
from zhili.assessment.models import AppealStatus, League


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str | None = Field(default=None, max_length=7, description="考核月份，如 2026-10")
    start: str | None = Field(default=None, max_length=10, description="开始日期 YYYY-MM-DD（含）")
    end: str | None = Field(default=None, max_length=10, description="结束日期 YYYY-MM-DD（含）")
    note: str | None = Field(default=None, max_length=500)


class RulesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: Rules
    note: str | None = Field(default=None, max_length=500)


class RulesOut(BaseModel):
    rule_set_id: int | None
    rules: Rules
    labels: dict[str, str]
    created_by: str | None = None
    created_at: datetime | None = None


class RunOut(BaseModel):
    id: int
    label: str
    period_start: date
    period_end: date
    monthly: bool
    version: int
    case_count: int
    published_by: str
    published_at: datetime
    note: str | None
    rules: Rules
    rule_set_id: int | None


class RowOut(BaseModel):
    rank: int | None
    unit_code: str
    unit_name: str
    league: League
    league_label: str
    case_count: int
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    checkin_rate: float | None
    composite: float | None
    rank_change: int | None
    composite_change: float | None
    previous_rank: int | None
    previous_composite: float | None
    focus: bool
    excluded_by_appeal: int
    response_ok: int
    response_total: int
    solved: int
    resolution_total: int
    satisfied: int
    basically_satisfied: int
    satisfaction_total: int
    checkin_ok: int
    checkin_total: int


class LeagueOut(BaseModel):
    run: RunOut | None  # None: computed live, not published
    period: str
    league: League | None
    rows: list[RowOut]


class TrendPoint(BaseModel):
    period: str
    run_id: int
    version: int
    rank: int | None
    composite: float | None
    response_rate: float | None
    resolution_rate: float | None
    satisfaction_rate: float | None
    checkin_rate: float | None
    case_count: int
    focus: bool


class TrendOut(BaseModel):
    unit_code: str
    points: list[TrendPoint]


class LeagueTrendPoint(BaseModel):
    period: str
    run_id: int
    league: League
    units: int
    cases: int
    average_composite: float | None
    focus_units: list[str]


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_code: Text = Field(min_length=1, max_length=24, description="诉求编号")
    reason: Text = Field(min_length=1, max_length=2000, description="申诉理由")
    evidence: Text = Field(min_length=1, max_length=5000, description="申诉依据：证明材料的说明或附件编号")


class AppealDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approve: bool
    note: str | None = Field(default=None, max_length=2000)


class AppealOut(BaseModel):
    id: int
    case_code: str
    unit_id: int
    status: AppealStatus
    status_label: str
    reason: str
    evidence: str
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class CaseLineOut(BaseModel):
    # One case behind a rate, as ``drilldown`` builds it: its times, 回访 outcome and contribution.
    code: str
    merged_into: str | None
    closure_kind: str | None
    received_at: datetime | None
    closed_at: datetime | None
    contact_due: datetime | None
    contacted_at: datetime | None
    checkin_due: datetime | None
    checked_in_at: datetime | None
    visit_solved: bool | None
    satisfaction: str | None
    reopen_count: int
    counted: float  # how many times the case is in the rate's denominator
    credit: float  # what it adds to the numerator


class DrillDownOut(BaseModel):
    period: str
    unit_code: str
    rate: str
    run_id: int | None
    total: int
    counted: float
    credit: float
    rate_value: float | None
    items: list[CaseLineOut]
