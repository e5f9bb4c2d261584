"""Patrol plans and patrols, field events and 核查 tasks."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin
from zhili.grid.cells.models import enum_column


class PatrolPlan(IdMixin, Base):
    __tablename__ = "grid_patrol_plans"

    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    cells: Mapped[str] = mapped_column(Text)  # JSON list of cells
    weekdays: Mapped[str] = mapped_column(String(16))  # "1,3,5": ISO weekdays
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(64))


class PatrolRecord(IdMixin, Base):
    __tablename__ = "grid_patrol_records"

    plan_id: Mapped[int | None] = mapped_column(ForeignKey("grid_patrol_plans.id", ondelete="SET NULL"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    cells: Mapped[str] = mapped_column(Text, default="[]")
    note: Mapped[str | None] = mapped_column(Text)


class FieldEvent(IdMixin, Base):
    """An event a grid worker found on patrol; it becomes a case with channel 网格巡查."""

    __tablename__ = "grid_field_events"

    worker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    patrol_id: Mapped[int | None] = mapped_column(ForeignKey("grid_patrol_records.id", ondelete="SET NULL"))
    cell: Mapped[str] = mapped_column(String(16), index=True)
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    photos: Mapped[int] = mapped_column(Integer, default=0)
    reported_at: Mapped[datetime]


class TaskStatus(enum.StrEnum):
    pending = "pending"
    done = "done"


class VerificationResult(enum.StrEnum):
    confirmed = "confirmed"  # 情况属实
    not_found = "not_found"  # 现场未发现
    resolved = "resolved"  # 已解决


RESULT_LABELS = {
    VerificationResult.confirmed: "情况属实",
    VerificationResult.not_found: "现场未发现",
    VerificationResult.resolved: "已解决",
}


class VerificationTask(IdMixin, Base):
    """核查: a grid worker checks a case on site and reports what was found."""

    __tablename__ = "grid_verification_tasks"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    cell: Mapped[str] = mapped_column(String(16), index=True)
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    instructions: Mapped[str | None] = mapped_column(Text)
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus))
    result: Mapped[VerificationResult | None] = mapped_column(enum_column(VerificationResult))
    result_note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]
