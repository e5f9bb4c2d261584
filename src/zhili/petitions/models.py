"""信访: matters (事项) and the petitions (信访件) that raise them, the bodies a matter was sent to, its
steps, the 12345 demands linked to it, 领导包案 actions, and the 领导接访日 / 下访 calendar.

Counting is by matter: a repeat petition (重复信访) is one more ``Petition`` row on the same
``PetitionMatter``. Personal data of petitioners lives only in ``Petition``'s ``*_enc`` columns; the
keyed digest of the ID number (or, without one, of the phone) links repeats without clear text.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin
from zhili.petitions.states import BodyRole, LeaderActionKind, MatterState, PetitionChannel, ReceptionKind


def _enum(kind: type) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class PetitionMatter(IdMixin, Base):
    """One 信访事项 and its procedure: the current step's deadline is ``due_at``."""

    __tablename__ = "petition_matters"

    code: Mapped[str] = mapped_column(String(24), unique=True)
    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)  # a taxonomy category code or a 信访 class
    division_code: Mapped[str] = mapped_column(String(12), index=True)  # where the matter is
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # text sketch (triage.duplicates)
    petitioner_digest: Mapped[str | None] = mapped_column(String(40), index=True)
    state: Mapped[MatterState] = mapped_column(_enum(MatterState), index=True)
    received_at: Mapped[datetime] = mapped_column(index=True)
    stage_started_at: Mapped[datetime]
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    warning: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 预警
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)  # 超期
    decided_at: Mapped[datetime | None]
    decided_on_time: Mapped[bool | None] = mapped_column(Boolean)
    handling_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"))
    accepted_at: Mapped[datetime | None]
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)  # 答复意见书
    replied_at: Mapped[datetime | None]
    replied_on_time: Mapped[bool | None] = mapped_column(Boolean)
    review_opinion: Mapped[str | None] = mapped_column(Text)  # 复查意见
    recheck_opinion: Mapped[str | None] = mapped_column(Text)  # 复核意见
    concluded_at: Mapped[datetime | None]
    # 群众满意度 on the 答复, recorded once: by staff after a 回访, or by the petitioner on the portal.
    satisfaction: Mapped[str | None] = mapped_column(String(24), index=True)
    satisfaction_at: Mapped[datetime | None]
    satisfaction_via: Mapped[str | None] = mapped_column(String(8))  # staff | portal
    leader_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    petitions: Mapped[int] = mapped_column(Integer, default=1)  # 信访件 on this matter (repeats included)
    created_by: Mapped[str] = mapped_column(String(64))


class Petition(IdMixin, Base):
    """One 信访件: a letter, a visit, an online petition or an escalated 12345 demand."""

    __tablename__ = "petitions"

    code: Mapped[str] = mapped_column(String(24), unique=True)  # the petitioner's tracking code
    matter_id: Mapped[int] = mapped_column(ForeignKey("petition_matters.id", ondelete="CASCADE"), index=True)
    channel: Mapped[PetitionChannel] = mapped_column(_enum(PetitionChannel), index=True)
    content: Mapped[str] = mapped_column(Text)
    repeat: Mapped[bool] = mapped_column(Boolean, default=False)  # 重复信访: linked to an earlier matter
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    address_enc: Mapped[str | None] = mapped_column(Text)
    petitioner_digest: Mapped[str | None] = mapped_column(String(40), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    received_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))


class PetitionAttachment(IdMixin, Base):
    """A scan of a letter (来信), in the shared file store."""

    __tablename__ = "petition_attachments"

    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]


class PetitionBody(IdMixin, Base):
    """A body a matter was sent to (办理, 复查 or 复核): its staff read the matter."""

    __tablename__ = "petition_bodies"
    __table_args__ = (UniqueConstraint("matter_id", "unit_id", "role"),)

    matter_id: Mapped[int] = mapped_column(ForeignKey("petition_matters.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    role: Mapped[BodyRole] = mapped_column(_enum(BodyRole))
    sent_at: Mapped[datetime]


class PetitionStep(IdMixin, Base):
    """One step of a matter's procedure, with the deadline it started."""

    __tablename__ = "petition_steps"

    matter_id: Mapped[int] = mapped_column(ForeignKey("petition_matters.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)


class PetitionCaseLink(IdMixin, Base):
    """A 12345 demand on the same matter (escalated by the citizen, or found by petitioner and text)."""

    __tablename__ = "petition_case_links"
    __table_args__ = (UniqueConstraint("matter_id", "case_id"),)

    matter_id: Mapped[int] = mapped_column(ForeignKey("petition_matters.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # escalated | same_matter
    linked_at: Mapped[datetime]


class LeaderAction(IdMixin, Base):
    """领导包案: what the leader assigned to a matter did (接访, 协调会, 督办, 下访)."""

    __tablename__ = "petition_leader_actions"

    matter_id: Mapped[int] = mapped_column(ForeignKey("petition_matters.id", ondelete="CASCADE"), index=True)
    leader_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LeaderActionKind] = mapped_column(_enum(LeaderActionKind))
    at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))


class ReceptionSlot(IdMixin, Base):
    """领导接访日 (a leader receives visitors at a place) or 下访 (to a community), planned then recorded."""

    __tablename__ = "petition_receptions"

    office_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    division_code: Mapped[str] = mapped_column(String(12), index=True)
    kind: Mapped[ReceptionKind] = mapped_column(_enum(ReceptionKind))
    leader_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(200))
    visitors: Mapped[int | None] = mapped_column(Integer)  # recorded afterwards
    summary: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
