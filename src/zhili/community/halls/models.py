"""社区议事厅: halls, topics, discussion, proposals with supports, votes, meetings and decisions."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24)


class DeliberationHall(IdMixin, Base):
    """A community's 议事厅. ``is_model`` marks a 社区民主协商自治典型 (the plan wants 2 per street)."""

    __tablename__ = "community_halls"

    community_code: Mapped[str] = mapped_column(
        ForeignKey("divisions.code", ondelete="RESTRICT"), unique=True
    )
    street_code: Mapped[str] = mapped_column(String(12), index=True)
    name: Mapped[str] = mapped_column(String(128))
    model_name: Mapped[str | None] = mapped_column(String(64))
    is_model: Mapped[bool] = mapped_column(Boolean, default=False)
    established_on: Mapped[date]
    created_by: Mapped[str] = mapped_column(String(64))


class TopicStatus(enum.StrEnum):
    open = "open"
    closed = "closed"


class TopicSource(enum.StrEnum):
    manual = "manual"
    cases = "cases"


class Topic(IdMixin, Base):
    __tablename__ = "community_topics"

    hall_id: Mapped[int] = mapped_column(ForeignKey("community_halls.id", ondelete="CASCADE"), index=True)
    community_code: Mapped[str] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    source: Mapped[TopicSource] = mapped_column(_enum(TopicSource))
    status: Mapped[TopicStatus] = mapped_column(_enum(TopicStatus))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class TopicCase(IdMixin, Base):
    """A case of the complaint cluster a topic was escalated from; the decision is fed back to it."""

    __tablename__ = "community_topic_cases"
    __table_args__ = (UniqueConstraint("topic_id", "case_id", name="uq_community_topic_cases_pair"),)

    topic_id: Mapped[int] = mapped_column(ForeignKey("community_topics.id", ondelete="CASCADE"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)


class Comment(IdMixin, Base):
    __tablename__ = "community_comments"

    topic_id: Mapped[int] = mapped_column(ForeignKey("community_topics.id", ondelete="CASCADE"), index=True)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ProposalStatus(enum.StrEnum):
    collecting = "collecting"  # gathering supports
    voting = "voting"
    adopted = "adopted"
    rejected = "rejected"


PROPOSAL_STATUS_LABELS = {
    ProposalStatus.collecting: "征集附议",
    ProposalStatus.voting: "投票中",
    ProposalStatus.adopted: "已通过",
    ProposalStatus.rejected: "未通过",
}


class Proposal(IdMixin, Base):
    __tablename__ = "community_proposals"

    topic_id: Mapped[int] = mapped_column(ForeignKey("community_topics.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    support_threshold: Mapped[int] = mapped_column(Integer)
    # Only residents of this zone (楼栋/片区) may support and vote; None: the whole community.
    zone: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[ProposalStatus] = mapped_column(_enum(ProposalStatus))
    proposed_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    voting_opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Support(IdMixin, Base):
    __tablename__ = "community_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "resident_id", name="uq_community_supports_pair"),)

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("community_proposals.id", ondelete="CASCADE"), index=True
    )
    resident_id: Mapped[int] = mapped_column(ForeignKey("community_residents.id", ondelete="CASCADE"))
    recorded_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class VoteChoice(enum.StrEnum):
    yes = "yes"
    no = "no"
    abstain = "abstain"


VOTE_LABELS = {VoteChoice.yes: "赞成", VoteChoice.no: "反对", VoteChoice.abstain: "弃权"}


class Vote(IdMixin, Base):
    """One verified resident, one vote per proposal (the unique constraint is the final guard)."""

    __tablename__ = "community_votes"
    __table_args__ = (UniqueConstraint("proposal_id", "resident_id", name="uq_community_votes_pair"),)

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("community_proposals.id", ondelete="CASCADE"), index=True
    )
    resident_id: Mapped[int] = mapped_column(ForeignKey("community_residents.id", ondelete="CASCADE"))
    choice: Mapped[VoteChoice] = mapped_column(_enum(VoteChoice))
    recorded_by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]


class Meeting(IdMixin, Base):
    __tablename__ = "community_meetings"

    topic_id: Mapped[int] = mapped_column(ForeignKey("community_topics.id", ondelete="CASCADE"), index=True)
    held_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(128))
    attendees: Mapped[int] = mapped_column(Integer)
    minutes: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(64))


class Decision(IdMixin, Base):
    __tablename__ = "community_decisions"

    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("community_proposals.id", ondelete="CASCADE"), unique=True
    )
    topic_id: Mapped[int] = mapped_column(ForeignKey("community_topics.id", ondelete="CASCADE"), index=True)
    adopted: Mapped[bool] = mapped_column(Boolean)
    yes: Mapped[int] = mapped_column(Integer)
    no: Mapped[int] = mapped_column(Integer)
    abstain: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime]


class FollowUp(IdMixin, Base):
    __tablename__ = "community_followups"

    decision_id: Mapped[int] = mapped_column(
        ForeignKey("community_decisions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    assignee: Mapped[str] = mapped_column(String(128))
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
