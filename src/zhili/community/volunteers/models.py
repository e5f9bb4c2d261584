"""Volunteers: registration, activities, service records (sign-in/out or 补录) and star ratings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin

# Hours at which a volunteer reaches 1..5 stars (北京市志愿者星级评定).
STAR_THRESHOLDS_HOURS = (100, 300, 600, 1000, 1500)


def stars_for(minutes: int) -> int:
    hours = minutes / 60
    return sum(1 for threshold in STAR_THRESHOLDS_HOURS if hours >= threshold)


class Volunteer(IdMixin, Base):
    """A registered volunteer (实名注册). Name and phone are encrypted; the phone digest keeps one
    registration per person."""

    __tablename__ = "community_volunteers"

    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    name_enc: Mapped[str] = mapped_column(String(255))
    phone_enc: Mapped[str] = mapped_column(String(255))
    phone_digest: Mapped[str] = mapped_column(String(40), unique=True)
    service_minutes: Mapped[int] = mapped_column(Integer, default=0)
    stars: Mapped[int] = mapped_column(Integer, default=0)
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime]


class VolunteerActivity(IdMixin, Base):
    __tablename__ = "community_activities"

    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(128))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class ServiceRecord(IdMixin, Base):
    """Time served: a sign-in (open until signed out) at an activity, or hours entered afterwards."""

    __tablename__ = "community_service_records"

    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("community_volunteers.id", ondelete="CASCADE"), index=True
    )
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_activities.id", ondelete="CASCADE"), index=True
    )
    signed_in_at: Mapped[datetime]
    signed_out_at: Mapped[datetime | None]
    minutes: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))
