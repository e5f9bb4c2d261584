"""每月一题 topics with their linked cases, 未诉先办 warnings, and the proactive tasks both give units."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


class Topic(IdMixin, Base):
    """每月一题: a problem chosen for a month, with the demand measured before and after."""

    __tablename__ = "analytics_topics"
    __table_args__ = (
        UniqueConstraint(
            "month",
            "category_code",
            "area_code",
            "keyword",
            name="uq_analytics_topics_month_category_code_area_code_keyword",
        ),
    )

    month: Mapped[str] = mapped_column(String(7), index=True)  # YYYY-MM it is the topic of
    title: Mapped[str] = mapped_column(String(200))
    category_code: Mapped[str] = mapped_column(String(16))
    area_code: Mapped[str] = mapped_column(String(12))  # a division code (district or street)
    keyword: Mapped[str] = mapped_column(String(64), default="")  # "" = the whole category
    score: Mapped[float] = mapped_column(Float)
    metrics: Mapped[str] = mapped_column(Text, default="{}")  # JSON: volume, recurrence, spread, growth
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / closed
    chosen_by: Mapped[str] = mapped_column(String(64))
    chosen_at: Mapped[datetime]


class TopicCase(IdMixin, Base):
    __tablename__ = "analytics_topic_cases"
    __table_args__ = (
        UniqueConstraint("topic_id", "case_id", name="uq_analytics_topic_cases_topic_id_case_id"),
    )

    topic_id: Mapped[int] = mapped_column(ForeignKey("analytics_topics.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class EarlyWarning(IdMixin, Base):
    """A 未诉先办 spike: an area × category above its seasonal baseline (see ``analytics.detect``)."""

    __tablename__ = "analytics_warnings"
    __table_args__ = (
        UniqueConstraint(
            "street_code",
            "category_code",
            "window_end",
            name="uq_analytics_warnings_street_code_category_code_window_end",
        ),
    )

    street_code: Mapped[str] = mapped_column(String(12), index=True)
    category_code: Mapped[str] = mapped_column(String(16))
    window_start: Mapped[date] = mapped_column(Date)
    window_end: Mapped[date] = mapped_column(Date)
    observed: Mapped[int] = mapped_column(Integer)
    expected: Mapped[float] = mapped_column(Float)
    p_value: Mapped[float] = mapped_column(Float)
    q_value: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class ProactiveTask(IdMixin, Base):
    """A task for a unit, from a 每月一题 topic or a warning (主动治理), with a deadline and an outcome."""

    __tablename__ = "analytics_tasks"
    __table_args__ = (Index("ix_analytics_tasks_unit_status", "unit_id", "status"),)

    kind: Mapped[str] = mapped_column(String(16))  # topic / warning
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("analytics_topics.id", ondelete="CASCADE"), index=True
    )
    warning_id: Mapped[int | None] = mapped_column(
        ForeignKey("analytics_warnings.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="open")  # open / done
    outcome: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
