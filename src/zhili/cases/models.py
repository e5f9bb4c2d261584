"""Cases (诉求), their append-only events, unit assignments, supervision, links and attachments.

Personal data (name, phone, ID number) is stored only encrypted (``*_enc`` columns); the phone's keyed
digest finds repeat callers. ``version`` is the optimistic lock: two concurrent actions on one case
cannot both succeed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState, ClosureKind, Satisfaction
from zhili.db import Base, IdMixin
from zhili.knowledge import models as _knowledge  # noqa: F401  (tables the cases reference by key)
from zhili.taxonomy import models as _taxonomy  # noqa: F401
from zhili.taxonomy.enums import Channel, DemandType, Urgency
from zhili.units import models as _units  # noqa: F401

# Covering indexes of the assessment: a month's cases per lead unit, and co-units' 报到.
ASSESSMENT_COLUMNS = (
    "lead_unit_id",
    "state",
    "closure_kind",
    "closed_at",
    "contacted_at",
    "contact_due",
    "visit_solved",
    "satisfaction",
    "reopen_count",
    "received_at",
)
CHECKIN_COLUMNS = ("role", "checkin_due", "unit_id", "checked_in_at", "status", "case_id")
# The co-unit assignments still at work (``repository.called_in``), as the partial index reads them.
CALLED_IN = "role = 'co' AND status <> 'released'"
# The text the search reads, as one expression. On PostgreSQL migration 0022 indexes
# ``zhili_bigrams(SEARCH_DOCUMENT)`` (GIN); on SQLite the FTS5 table ``cases_fts`` covers the same four
# columns. Neither is declared here: SQLAlchemy cannot describe them (tests/test_migrations.py says so).
SEARCH_DOCUMENT = (
    "coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || "
    "coalesce(address, '') || ' ' || coalesce(reply, '')"
)


# The columns a case list filters on most (queues by state, by category, 督办): carried by the list
# indexes on PostgreSQL (migration 0034).
LIST_FILTERS = ["state", "category_id", "overdue", "warning"]


def _list_range(name: str, *branch: Any, carry_division: bool) -> Index:
    """A case list's index for one scope branch: the branch's key, then ``(received_at, id)``. On
    PostgreSQL it carries the list's filters, and the division code when the branch's condition names
    it but the key does not (an expression of it, the city's prefix), so that those lists and their
    counts read the index alone: PostgreSQL plans an index-only scan only when it holds every column
    the query names."""
    carried = ["division_code", *LIST_FILTERS] if carry_division else LIST_FILTERS
    return Index(name, *branch, "received_at", "id", postgresql_include=carried)


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class Case(IdMixin, Base):
    __tablename__ = "cases"
    __table_args__ = (
        # The assessment reads a month's cases per lead unit from this index alone (covering).
        Index("ix_cases_assessment", *ASSESSMENT_COLUMNS),
        Index("ix_cases_state_lead", "state", "lead_unit_id"),
        # Keyset pages of the case lists, one range per scope branch (see cases/listing/).
        _list_range("ix_cases_recent", carry_division=True),
        _list_range("ix_cases_district_recent", text("substr(division_code, 1, 6)"), carry_division=True),
        _list_range("ix_cases_street_recent", text("substr(division_code, 1, 9)"), carry_division=True),
        _list_range("ix_cases_division_recent", "division_code", carry_division=False),
        _list_range("ix_cases_lead_recent", "lead_unit_id", carry_division=False),
        # The sweep looks for running deadlines per stage.
        Index("ix_cases_state_sign_due", "state", "sign_due"),
        Index("ix_cases_state_contact_due", "state", "contact_due"),
        Index("ix_cases_state_feedback_due", "state", "feedback_due"),
        # Jurisdiction filters are prefix matches (LIKE '110105%'); PostgreSQL needs pattern ops for them.
        Index(
            "ix_cases_division_prefix",
            "division_code",
            postgresql_ops={"division_code": "varchar_pattern_ops"},
        ),
    )

    code: Mapped[str] = mapped_column(String(24), unique=True)
    demand_type: Mapped[DemandType] = mapped_column(_enum(DemandType), index=True)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency), default=Urgency.ordinary)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    channel: Mapped[Channel] = mapped_column(_enum(Channel), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)

    # Location: the finest known division code drives jurisdiction (prefix match).
    division_code: Mapped[str | None] = mapped_column(String(12))
    district_code: Mapped[str | None] = mapped_column(String(12), index=True)
    street_code: Mapped[str | None] = mapped_column(String(12), index=True)
    community_code: Mapped[str | None] = mapped_column(String(12), index=True)
    h3_cell: Mapped[str | None] = mapped_column(String(16), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str | None] = mapped_column(String(300))
    location_confidence: Mapped[float | None] = mapped_column(Float)

    # Personal data: ciphertext only.
    citizen_name_enc: Mapped[str | None] = mapped_column(Text)
    citizen_phone_enc: Mapped[str | None] = mapped_column(Text)
    citizen_id_number_enc: Mapped[str | None] = mapped_column(Text)
    citizen_phone_digest: Mapped[str | None] = mapped_column(String(40), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)  # 保密: hide even from units

    state: Mapped[CaseState] = mapped_column(_enum(CaseState), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    # The 12345 centre that took the demand in (受理中心): its 待定位 queue holds the case while it has
    # no division, so that a demand that cannot be located is never out of sight. A unit id without a
    # foreign key (see migration 0014): units are deactivated, never deleted.
    receiving_unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    complex_case: Mapped[bool] = mapped_column(Boolean, default=False)
    forced_assignment: Mapped[bool] = mapped_column(Boolean, default=False)  # 退单被驳回后强制承办
    reply: Mapped[str | None] = mapped_column(Text)  # the lead unit's reply (public)
    reply_public_note: Mapped[str | None] = mapped_column(Text)

    # Times (UTC).
    received_at: Mapped[datetime]
    dispatched_at: Mapped[datetime | None]
    signed_at: Mapped[datetime | None]
    contacted_at: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]
    visited_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]

    # Deadlines of the current round, and the sweep's flags.
    sign_due: Mapped[datetime | None]
    contact_due: Mapped[datetime | None]
    feedback_due: Mapped[datetime | None] = mapped_column(index=True)
    extension_requested: Mapped[str | None] = mapped_column(String(16))  # requested duration, e.g. "10d"
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    warning: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 预警
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 超期
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    visit_attempts: Mapped[int] = mapped_column(Integer, default=0)

    # 回访 result.
    visit_contacted: Mapped[bool | None] = mapped_column(Boolean)
    visit_solved: Mapped[bool | None] = mapped_column(Boolean)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(_enum(Satisfaction))
    visit_comment: Mapped[str | None] = mapped_column(Text)
    closure_kind: Mapped[ClosureKind | None] = mapped_column(_enum(ClosureKind))

    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="RESTRICT"), index=True
    )
    knowledge_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_entries.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(64))
    # sha256(actor + Idempotency-Key) and of the request body: a retry finds its case; a reused key
    # with a different body is refused.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    idempotency_fingerprint: Mapped[str | None] = mapped_column(String(64))

    # zhili sets the version itself (one step per action), and SQLAlchemy checks it on every UPDATE.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}  # noqa: RUF012


class CaseEvent(IdMixin, Base):
    """One step in a case's history. Append-only: never updated or deleted."""

    __tablename__ = "case_events"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    actor_role: Mapped[str] = mapped_column(String(24))
    actor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    at: Mapped[datetime] = mapped_column(index=True)
    note: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=False)  # shown to the citizen
    data: Mapped[str] = mapped_column(Text, default="{}")  # JSON; never personal data


def _received_at_of_case(context: Any) -> datetime:
    case_id = context.get_current_parameters()["case_id"]
    found = context.connection.execute(select(Case.received_at).where(Case.id == case_id)).scalar_one()
    return cast(datetime, found)


class CaseAssignment(IdMixin, Base):
    """A unit's part in a case: the lead (主办) or a co-unit called in by 吹哨."""

    __tablename__ = "case_assignments"
    __table_args__ = (
        UniqueConstraint("case_id", "unit_id", "role"),
        Index("ix_case_assignments_status_checkin_due", "status", "checkin_due"),
        # The assessment's co-unit 报到 counts, without touching the cases (covering).
        Index("ix_case_assignments_role_checkin", *CHECKIN_COLUMNS),
        # A unit's list of the cases it is called into (吹哨), newest first, one index range
        # (migration 0033; its lead assignments are read through ``cases.lead_unit_id``).
        Index(
            "ix_case_assignments_co_recent",
            "unit_id",
            "case_received_at",
            "case_id",
            postgresql_where=text(CALLED_IN),
            sqlite_where=text(CALLED_IN),
        ),
    )

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    role: Mapped[AssignmentRole] = mapped_column(_enum(AssignmentRole))
    status: Mapped[AssignmentStatus] = mapped_column(_enum(AssignmentStatus))
    assigned_at: Mapped[datetime]
    # The case's received_at (never changes), kept here so that a unit's assignments read in the
    # case list's order from one index (``ix_case_assignments_co_recent``). Writers that hold the
    # case pass it; otherwise it is read from the case on insert.
    case_received_at: Mapped[datetime] = mapped_column(default=_received_at_of_case)
    checkin_due: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    reported_at: Mapped[datetime | None]
    report: Mapped[str | None] = mapped_column(Text)


class Supervision(IdMixin, Base):
    """A 督办 record: opened by a dispatcher or by the sweep on an overdue case."""

    __tablename__ = "supervisions"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(
        String(32)
    )  # overdue_sign / overdue_contact / overdue_feedback / manual
    note: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class CaseLink(IdMixin, Base):
    """Two cases about the same matter: a duplicate merged into a primary, or simply related."""

    __tablename__ = "case_links"
    __table_args__ = (UniqueConstraint("case_id", "other_case_id"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    other_case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # merged / related / repeat
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class Attachment(IdMixin, Base):
    __tablename__ = "case_attachments"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_events.id", ondelete="SET NULL"))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]


class TrackingCounter(Base):
    """The last sequence number handed out for one day's tracking codes."""

    __tablename__ = "tracking_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
