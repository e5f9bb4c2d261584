"""Campaigns (征集活动) a department opens on a topic with a deadline, the suggestions citizens send
(from the portal, to a campaign, or as a 12345 建议 demand), and each suggestion's steps.

A suggestion is reviewed by the 人民建议征集 office of its district (``office_unit_id``, the district's
信访 office); ``division_code`` is its place and scopes the office's reads. A department reads the
suggestions to its own campaigns and those forwarded to it (``department_unit_id``). The suggester's
name and phone live only in the ``*_enc`` columns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin
from zhili.suggestions.states import SuggestionSource, SuggestionState


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class SuggestionCampaign(IdMixin, Base):
    """一次征集: a department asks the public for suggestions on a topic until ``closes_on``."""

    __tablename__ = "suggestion_campaigns"

    code: Mapped[str] = mapped_column(String(24), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # the area the topic concerns
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text)  # what is asked
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date, index=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Suggestion(IdMixin, Base):
    __tablename__ = "suggestions"

    code: Mapped[str] = mapped_column(String(24), unique=True)  # the citizen's tracking code
    source: Mapped[SuggestionSource] = mapped_column(_enum(SuggestionSource), index=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestion_campaigns.id", ondelete="RESTRICT"), index=True
    )
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    department_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("units.id", ondelete="RESTRICT"), index=True
    )
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    state: Mapped[SuggestionState] = mapped_column(_enum(SuggestionState), index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    department_opinion: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)  # the decision's reason, told to the citizen
    decided_at: Mapped[datetime | None]
    decided_month: Mapped[str | None] = mapped_column(String(7), index=True)  # YYYY-MM, local time
    result: Mapped[str | None] = mapped_column(Text)  # 成果转化: which policy or project took it up
    result_at: Mapped[datetime | None]
    excellent_year: Mapped[int | None] = mapped_column(Integer, index=True)  # 优秀建议 of that year
    consent_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    created_by: Mapped[str] = mapped_column(String(64))


class SuggestionStep(IdMixin, Base):
    __tablename__ = "suggestion_steps"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
