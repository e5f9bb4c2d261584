"""Plan indicators and their dated values (computed by zhili, or entered with evidence)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Enum, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


class Method(enum.StrEnum):
    computed = "computed"
    entered = "entered"


METHOD_LABELS = {Method.computed: "系统计算", Method.entered: "填报"}


class Comparison(enum.StrEnum):
    ge = "ge"  # 不少于 / 达到
    gt = "gt"  # 超过


COMPARISON_LABELS = {Comparison.ge: "≥", Comparison.gt: ">"}


class Indicator(Base):
    __tablename__ = "plan_indicators"

    code: Mapped[str] = mapped_column(String(48), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(16))
    baseline: Mapped[float | None] = mapped_column(Float)
    baseline_on: Mapped[date]
    target: Mapped[float] = mapped_column(Float)
    comparison: Mapped[Comparison] = mapped_column(Enum(Comparison, native_enum=False, length=8))
    deadline: Mapped[date]
    source: Mapped[str] = mapped_column(Text)
    method: Mapped[Method] = mapped_column(Enum(Method, native_enum=False, length=16))
    note: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int]


class IndicatorValue(IdMixin, Base):
    """One observation of an indicator on a date. Computed values keep numerator and denominator."""

    __tablename__ = "plan_indicator_values"

    indicator_code: Mapped[str] = mapped_column(
        ForeignKey("plan_indicators.code", ondelete="CASCADE"), index=True
    )
    as_of: Mapped[date]
    value: Mapped[float] = mapped_column(Float)
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    computed: Mapped[bool] = mapped_column(Boolean)
    evidence: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
