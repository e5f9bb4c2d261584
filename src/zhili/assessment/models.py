"""Assessment (考核) tables: rule sets, appeals (申诉), and published league tables.

A published run is frozen: its rows and the rules it used are stored, and later edits to cases or
rules never change it. Recomputing a period publishes a new version beside the old ones.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.cases.states import ClosureKind
from zhili.db import Base, IdMixin


class AppealStatus(enum.StrEnum):
    pending = "pending"  # 待审核
    approved = "approved"  # 已核减
    rejected = "rejected"  # 已驳回


APPEAL_STATUS_LABELS = {
    AppealStatus.pending: "待审核",
    AppealStatus.approved: "已通过（核减）",
    AppealStatus.rejected: "已驳回",
}


class League(enum.StrEnum):
    street = "street"  # 街道/乡镇
    district_dept = "district_dept"  # 区级部门 (with the district governments, 兜底)
    city_dept = "city_dept"  # 市级部门
    enterprise = "enterprise"  # 公共服务企业


LEAGUE_LABELS = {
    League.street: "街道乡镇",
    League.district_dept: "区级部门",
    League.city_dept: "市级部门",
    League.enterprise: "公共服务企业",
}


class RuleSetRow(IdMixin, Base):
    """One version of the assessment rules; the newest row is in force."""

    __tablename__ = "assessment_rule_sets"

    rules: Mapped[str] = mapped_column(Text)  # JSON of zhili.assessment.config.Rules
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class AssessmentRun(IdMixin, Base):
    """One published computation of one period: frozen, with the rules it used."""

    __tablename__ = "assessment_runs"
    __table_args__ = (UniqueConstraint("period_start", "period_end", "version"),)

    period_start: Mapped[date] = mapped_column(Date)  # local date, inclusive
    period_end: Mapped[date] = mapped_column(Date)  # local date, exclusive
    label: Mapped[str] = mapped_column(String(32), index=True)  # "2026-10" or "2026-10-01~2026-10-15"
    monthly: Mapped[bool] = mapped_column(Boolean)
    version: Mapped[int] = mapped_column(Integer)
    rules: Mapped[str] = mapped_column(Text)  # JSON: the rules used, frozen
    rule_set_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_rule_sets.id", ondelete="SET NULL")
    )
    case_count: Mapped[int] = mapped_column(Integer)
    published_by: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class AssessmentResult(IdMixin, Base):
    """One unit's row in a published run: the counts behind each rate, the rates, rank and change."""

    __tablename__ = "assessment_results"
    __table_args__ = (
        UniqueConstraint("run_id", "unit_id"),
        Index("ix_assessment_results_unit_run", "unit_id", "run_id"),
    )

    run_id: Mapped[int] = mapped_column(ForeignKey("assessment_runs.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    unit_code: Mapped[str] = mapped_column(String(32))
    unit_name: Mapped[str] = mapped_column(String(128))
    league: Mapped[League] = mapped_column(Enum(League, native_enum=False, length=16))
    rank: Mapped[int | None] = mapped_column(Integer)
    case_count: Mapped[int] = mapped_column(Integer)  # assessed cases led by the unit
    response_ok: Mapped[int] = mapped_column(Integer)
    response_total: Mapped[int] = mapped_column(Integer)
    solved: Mapped[int] = mapped_column(Integer)
    resolution_total: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    basically_satisfied: Mapped[int] = mapped_column(Integer)
    satisfaction_total: Mapped[int] = mapped_column(Integer)
    checkin_ok: Mapped[int] = mapped_column(Integer)
    checkin_total: Mapped[int] = mapped_column(Integer)
    response_rate: Mapped[float | None] = mapped_column(Float)
    resolution_rate: Mapped[float | None] = mapped_column(Float)
    satisfaction_rate: Mapped[float | None] = mapped_column(Float)
    checkin_rate: Mapped[float | None] = mapped_column(Float)
    composite: Mapped[float | None] = mapped_column(Float)  # points, 0-100
    previous_rank: Mapped[int | None] = mapped_column(Integer)
    previous_composite: Mapped[float | None] = mapped_column(Float)
    rank_change: Mapped[int | None] = mapped_column(Integer)  # positive: moved up
    composite_change: Mapped[float | None] = mapped_column(Float)
    focus: Mapped[bool] = mapped_column(Boolean, default=False)  # 治理类重点街乡
    excluded_by_appeal: Mapped[int] = mapped_column(Integer, default=0)  # 核减 cases


class Appeal(IdMixin, Base):
    """A unit's 申诉 that a case was unreasonable; approved, it is excluded (核减) from its rates."""

    __tablename__ = "assessment_appeals"
    __table_args__ = (
        UniqueConstraint("case_id", "unit_id"),
        Index("ix_assessment_appeals_status_unit", "status", "unit_id"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    status: Mapped[AppealStatus] = mapped_column(Enum(AppealStatus, native_enum=False, length=16))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)


class DailySums(Base):
    """What one lead unit's closed cases of one closure kind add up to on one day (closed time, UTC+8).

    Kept by database triggers on ``cases`` (migration 0032), so it follows every write however it is
    made: a case counts here while it is closed with a lead unit, and leaves when it is reopened,
    reassigned or deleted. The month's 三率 add these rows up for the whole days of the period and read
    the cases only for part days at its edges, if any (``assessment.daily``). The columns are the
    counts of ``aggregates.LeadSums``.
    """

    __tablename__ = "assessment_daily_sums"
    __table_args__ = ({"sqlite_with_rowid": False},)

    # The key in GROUP BY order: a period is one range per unit and kind, however many years it holds.
    lead_unit_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    closure_kind: Mapped[ClosureKind] = mapped_column(
        Enum(ClosureKind, native_enum=False, length=24), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)  # date of closed_at in UTC+8 (daily.OFFSET)
    cases: Mapped[int] = mapped_column(Integer)
    responded: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    solved: Mapped[int] = mapped_column(Integer)
    rated: Mapped[int] = mapped_column(Integer)
    satisfied: Mapped[int] = mapped_column(Integer)
    basic: Mapped[int] = mapped_column(Integer)
    reopens: Mapped[int] = mapped_column(Integer)
