"""Categories (three levels) and time-limit policies, both editable data."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin, TimestampMixin


class Category(IdMixin, TimestampMixin, Base):
    """A node of the category tree. Codes are hierarchical: 12 → 1205 → 120501."""

    __tablename__ = "categories"

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    level: Mapped[int] = mapped_column(Integer, index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    # The unit type that handles this category by default (routing falls back to it).
    default_unit_type: Mapped[str | None] = mapped_column(String(32))
    keywords: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class TimeLimitPolicy(IdMixin, TimestampMixin, Base):
    """Time limits for the cases a rule matches. Empty matchers match anything.

    Every matching rule is applied in order of ``priority`` (then specificity) and overrides the limits
    it sets, so rules compose: 紧急 shortens the contact limit, 复杂 lengthens the feedback limit. The
    base rule (no matchers) must set every limit. Durations are text such as ``2h`` (hours, 7×24),
    ``15d`` (natural days) or ``7wd`` (working days under the official calendar).
    """

    __tablename__ = "time_limit_policies"

    name: Mapped[str] = mapped_column(String(64))
    urgency: Mapped[str | None] = mapped_column(String(16))
    demand_type: Mapped[str | None] = mapped_column(String(16))
    category_prefix: Mapped[str | None] = mapped_column(String(16))
    unit_kind: Mapped[str | None] = mapped_column(String(16))
    complex_case: Mapped[bool | None] = mapped_column(Boolean)
    sign_limit: Mapped[str | None] = mapped_column(String(16))
    contact_limit: Mapped[str | None] = mapped_column(String(16))
    feedback_limit: Mapped[str | None] = mapped_column(String(16))
    checkin_limit: Mapped[str | None] = mapped_column(String(16))
    max_extension: Mapped[str | None] = mapped_column(String(16))
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
