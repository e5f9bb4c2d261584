"""Routing rules (data, with an audit trail), stored recommendations, dispatcher overrides, how each
suggestion fared at dispatch, the auto-dispatch setting, and the text fingerprints that make the
duplicate check a single indexed query."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.cases.models import Case  # recommendations reference cases
from zhili.db import Base, IdMixin, TimestampMixin

CASES_LOOKUP_INDEX = "ix_cases_duplicate_lookup"


class RoutingRule(IdMixin, TimestampMixin, Base):
    """(category, area, demand type) → lead unit (主办) and co-units (协办).

    Empty matchers match anything. The lead is a unit code, or a unit type resolved against the
    case's location (``street`` → the street office; a department type → that district's
    department). Of the matching rules the highest ``priority`` wins, then the most specific.
    """

    __tablename__ = "routing_rules"

    name: Mapped[str] = mapped_column(String(64))
    category_prefix: Mapped[str | None] = mapped_column(String(16), index=True)
    division_prefix: Mapped[str | None] = mapped_column(String(12))
    demand_type: Mapped[str | None] = mapped_column(String(16))
    lead_unit_code: Mapped[str | None] = mapped_column(String(32))
    lead_unit_type: Mapped[str | None] = mapped_column(String(32))
    co_unit_codes: Mapped[str] = mapped_column(Text, default="")  # comma-separated unit codes
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    note: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(String(64))


class Recommendation(IdMixin, Base):
    """The triage suggestion for one case, as made at intake; the dispatcher's decision is kept on it."""

    __tablename__ = "triage_recommendations"
    __table_args__ = (Index("ix_triage_recommendations_queue", "needs_review", "status"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), unique=True)
    model_version: Mapped[str] = mapped_column(String(40))
    categories: Mapped[str] = mapped_column(Text)  # JSON [[label, code|null, probability], ...]
    category_code: Mapped[str | None] = mapped_column(String(16))  # the category routed on
    demand_types: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[label, probability], ...]
    confidence: Mapped[float] = mapped_column(Float)
    lead_unit_code: Mapped[str | None] = mapped_column(String(32))
    co_unit_codes: Mapped[str] = mapped_column(Text, default="")
    dispatch_mode: Mapped[str] = mapped_column(String(16))  # street / department / city / fallback / none
    matched_rules: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{id, name, priority}]
    explanation: Mapped[str] = mapped_column(Text, default="{}")  # JSON {keywords, route}
    duplicates: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{code, similarity, ...}]
    knowledge: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{id, question, score}]
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending / accepted / overridden
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class TriageOverride(IdMixin, Base):
    """A dispatcher's correction of a recommendation: a training signal for ``--from-db``."""

    __tablename__ = "triage_overrides"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("triage_recommendations.id", ondelete="SET NULL")
    )
    suggested_category: Mapped[str | None] = mapped_column(String(16))
    suggested_lead_unit: Mapped[str | None] = mapped_column(String(32))
    category_code: Mapped[str | None] = mapped_column(String(16))
    lead_unit_code: Mapped[str] = mapped_column(String(32))
    co_unit_codes: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class TriageDecision(IdMixin, Base):
    """How one suggestion fared when the case was dispatched — from the web, the API or automatically:
    what the override report and the measured precision of auto-dispatch read."""

    __tablename__ = "triage_decisions"
    __table_args__ = (Index("ix_triage_decisions_decided_at", "decided_at"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("triage_recommendations.id", ondelete="SET NULL")
    )
    suggested_category: Mapped[str | None] = mapped_column(String(16))
    suggested_lead_unit: Mapped[str | None] = mapped_column(String(32))
    confidence: Mapped[float] = mapped_column(Float)
    category_code: Mapped[str | None] = mapped_column(String(16))  # the category dispatched with
    lead_unit_code: Mapped[str] = mapped_column(String(32))  # the unit dispatched to
    outcome: Mapped[str] = mapped_column(String(16))  # accepted / overridden / auto
    source: Mapped[str] = mapped_column(String(16))  # web / api / auto / history
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime]


class TriageSetting(IdMixin, Base):
    """One row: whether confident suggestions are dispatched without a person, and above what."""

    __tablename__ = "triage_settings"

    auto_dispatch: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    auto_threshold: Mapped[float] = mapped_column(Float, default=0.9)
    updated_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime | None]


class CaseFingerprint(Base):
    """Where, when and what (a MinHash of the text) of a case: what duplicate checks read."""

    __tablename__ = "triage_fingerprints"
    __table_args__ = (
        Index("ix_triage_fingerprints_cell_time", "h3_cell", "received_at"),
        Index("ix_triage_fingerprints_community_time", "community_code", "received_at"),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    h3_cell: Mapped[str | None] = mapped_column(String(16))
    community_code: Mapped[str | None] = mapped_column(String(12))
    received_at: Mapped[datetime]
    signature: Mapped[bytes] = mapped_column(LargeBinary)


# What the duplicate check reads of each nearby case, in one small index on ``cases``: most nearby
# fingerprints belong to closed cases, and telling them apart should not cost a read of the wide
# case row. Declared here, beside the fingerprints it serves (migration 0009).
Index(CASES_LOOKUP_INDEX, Case.id, Case.state, Case.code, Case.citizen_phone_digest)


class TriagePending(Base):
    """A demand acknowledged but not yet triaged (待分流): written in the intake's own transaction, so
    it is durable with the case, and removed by the transaction that stores the recommendation.
    ``zhili.triage.pending`` drains it right after the answer, and a periodic job catches anything a
    process that died left behind."""

    __tablename__ = "triage_pending"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    queued_at: Mapped[datetime]
