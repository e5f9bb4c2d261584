"""Disputes (矛盾纠纷) and their parties, sessions, steps and linked 12345 demands; the registry of
mediation committees and mediators; and the 分流 rules, which are data.

A dispute's place is ``division_code`` (its community or street), which is also what scopes reads:
a street reads the disputes in its street, a district those of its streets. Parties' personal data
lives only in ``DisputeParty``'s ``*_enc`` columns.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin
from zhili.mediation.states import Confirmation, DisputeKind, DisputeSource, DisputeState, NextPath, Track


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class MediationCommittee(IdMixin, Base):
    """A 人民调解委员会 (street or community), a department's 行政调解 office or a court's 诉调对接 centre."""

    __tablename__ = "mediation_committees"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    track: Mapped[Track] = mapped_column(_enum(Track), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # the area it serves
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Mediator(IdMixin, Base):
    """A mediator of a committee: specialties are dispute kinds, ``area`` a division code prefix."""

    __tablename__ = "mediators"

    committee_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_committees.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    specialties: Mapped[str] = mapped_column(String(200))  # comma-separated DisputeKind values
    area: Mapped[str] = mapped_column(String(12), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class RoutingRule(IdMixin, Base):
    """分流 rule: the first active rule (lowest ``priority``) whose kind and source match decides the
    track. An empty kind or source matches any."""

    __tablename__ = "mediation_routing_rules"

    priority: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[DisputeKind | None] = mapped_column(_enum(DisputeKind))
    source: Mapped[DisputeSource | None] = mapped_column(_enum(DisputeSource))
    track: Mapped[Track] = mapped_column(_enum(Track))
    note: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Dispute(IdMixin, Base):
    __tablename__ = "disputes"

    code: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[DisputeKind] = mapped_column(_enum(DisputeKind), index=True)
    source: Mapped[DisputeSource] = mapped_column(_enum(DisputeSource))
    title: Mapped[str] = mapped_column(String(200))
    facts: Mapped[str] = mapped_column(Text)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    place: Mapped[str | None] = mapped_column(String(200))  # 具体地点：小区、楼栋（聚集预警按此细分）
    referring_body: Mapped[str | None] = mapped_column(String(100))  # the court or department
    state: Mapped[DisputeState] = mapped_column(_enum(DisputeState), index=True)
    track: Mapped[Track | None] = mapped_column(_enum(Track))
    committee_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediation_committees.id", ondelete="RESTRICT"), index=True
    )
    mediator_id: Mapped[int | None] = mapped_column(
        ForeignKey("mediators.id", ondelete="SET NULL"), index=True
    )
    field_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("grid_field_events.id", ondelete="SET NULL")
    )
    received_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))  # success | failure
    concluded_at: Mapped[datetime | None]
    agreement_terms: Mapped[str | None] = mapped_column(Text)  # 协议内容
    performance_due: Mapped[date | None] = mapped_column(Date)  # 履行期限
    performance_method: Mapped[str | None] = mapped_column(String(200))  # 履行方式
    agreed_at: Mapped[datetime | None]
    failure_reason: Mapped[str | None] = mapped_column(Text)
    next_path: Mapped[NextPath | None] = mapped_column(_enum(NextPath))
    returned_to_court: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmation: Mapped[Confirmation] = mapped_column(_enum(Confirmation), default=Confirmation.none)
    confirmation_court: Mapped[str | None] = mapped_column(String(100))
    performed: Mapped[bool | None] = mapped_column(Boolean)
    follow_up_note: Mapped[str | None] = mapped_column(Text)
    followed_up_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))


class DisputeParty(IdMixin, Base):
    __tablename__ = "dispute_parties"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order registered
    role: Mapped[str] = mapped_column(String(16))  # 申请人 | 被申请人 | 当事人
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    address_enc: Mapped[str | None] = mapped_column(Text)


class DisputeSession(IdMixin, Base):
    """One mediation session: who mediated, when, where, who of the parties came, what happened."""

    __tablename__ = "dispute_sessions"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("mediators.id", ondelete="SET NULL"))
    at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    attendees: Mapped[str] = mapped_column(String(100))  # comma-separated party positions
    notes: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))


class DisputeStep(IdMixin, Base):
    __tablename__ = "dispute_steps"

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class DisputeCaseLink(IdMixin, Base):
    """A 12345 demand on the same dispute (the promoted ones, or both neighbours' complaints)."""

    __tablename__ = "dispute_case_links"
    __table_args__ = (UniqueConstraint("dispute_id", "case_id"),)

    dispute_id: Mapped[int] = mapped_column(ForeignKey("disputes.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    linked_at: Mapped[datetime]


class CheckRound(IdMixin, Base):
    """A 矛盾纠纷排查 round in one community: who checked, on which day, and what they found."""

    __tablename__ = "mediation_check_rounds"

    division_code: Mapped[str] = mapped_column(String(12), index=True)  # the community
    checked_on: Mapped[date] = mapped_column(Date, index=True)
    checkers: Mapped[str] = mapped_column(String(200))  # 排查人员
    summary: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CheckFinding(IdMixin, Base):
    """One thing a round found; ``dispute_id`` once it is registered as a dispute."""

    __tablename__ = "mediation_check_findings"
    __table_args__ = (UniqueConstraint("round_id", "position"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("mediation_check_rounds.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order found
    kind: Mapped[DisputeKind] = mapped_column(_enum(DisputeKind))
    place: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    dispute_id: Mapped[int | None] = mapped_column(ForeignKey("disputes.id", ondelete="SET NULL"), index=True)
