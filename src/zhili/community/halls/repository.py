"""Reads of 议事厅 data, always filtered by the actor's jurisdiction (community code prefix)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case
from zhili.community.halls.models import (
    Comment,
    Decision,
    DeliberationHall,
    FollowUp,
    Meeting,
    Proposal,
    Support,
    Topic,
    TopicCase,
    Vote,
)
from zhili.errors import NotFound


def list_halls(session: Session, actor: Actor, division: str | None = None) -> Sequence[DeliberationHall]:
    statement = select(DeliberationHall).where(readable(actor).clause(DeliberationHall.community_code))
    if division:
        statement = statement.where(DeliberationHall.community_code.startswith(division, autoescape=True))
    return session.scalars(statement.order_by(DeliberationHall.community_code)).all()


def get_hall(session: Session, actor: Actor, hall_id: int) -> DeliberationHall:
    hall = session.scalars(
        select(DeliberationHall).where(
            DeliberationHall.id == hall_id, readable(actor).clause(DeliberationHall.community_code)
        )
    ).one_or_none()
    if hall is None:
        raise NotFound("议事厅不存在或不在您的辖区内", field="hall_id")
    return hall


def list_topics(session: Session, actor: Actor, hall_id: int | None = None) -> Sequence[Topic]:
    statement = select(Topic).where(readable(actor).clause(Topic.community_code))
    if hall_id is not None:
        statement = statement.where(Topic.hall_id == hall_id)
    return session.scalars(statement.order_by(Topic.created_at.desc(), Topic.id.desc())).all()


def get_topic(session: Session, actor: Actor, topic_id: int) -> Topic:
    topic = session.scalars(
        select(Topic).where(Topic.id == topic_id, readable(actor).clause(Topic.community_code))
    ).one_or_none()
    if topic is None:
        raise NotFound("议题不存在或不在您的辖区内")
    return topic


def support_count(session: Session, proposal_id: int) -> int:
    return int(session.execute(select(func.count()).where(Support.proposal_id == proposal_id)).scalar_one())


def topic_cases(session: Session, topic_id: int) -> Sequence[Case]:
    return session.scalars(
        select(Case).join(TopicCase, TopicCase.case_id == Case.id).where(TopicCase.topic_id == topic_id)
    ).all()


def comments(session: Session, topic_id: int) -> Sequence[Comment]:
    return session.scalars(select(Comment).where(Comment.topic_id == topic_id).order_by(Comment.id)).all()


def meetings(session: Session, topic_id: int) -> Sequence[Meeting]:
    return session.scalars(
        select(Meeting).where(Meeting.topic_id == topic_id).order_by(Meeting.held_at)
    ).all()


def proposals(session: Session, topic_id: int) -> Sequence[Proposal]:
    return session.scalars(select(Proposal).where(Proposal.topic_id == topic_id).order_by(Proposal.id)).all()


def counts(session: Session, proposal_ids: Sequence[int]) -> tuple[dict[int, int], dict[int, dict[str, int]]]:
    """Supports per proposal, and votes per proposal by choice."""
    if not proposal_ids:
        return {}, {}
    supports = dict(
        session.execute(
            select(Support.proposal_id, func.count())
            .where(Support.proposal_id.in_(proposal_ids))
            .group_by(Support.proposal_id)
        ).all()
    )
    votes: dict[int, dict[str, int]] = {}
    for proposal_id, choice, n in session.execute(
        select(Vote.proposal_id, Vote.choice, func.count())
        .where(Vote.proposal_id.in_(proposal_ids))
        .group_by(Vote.proposal_id, Vote.choice)
    ):
        votes.setdefault(proposal_id, {})[choice.value] = n
    return {k: int(v) for k, v in supports.items()}, votes


def decisions(session: Session, topic_id: int) -> Sequence[Decision]:
    return session.scalars(select(Decision).where(Decision.topic_id == topic_id).order_by(Decision.id)).all()


def follow_ups(session: Session, decision_ids: Sequence[int]) -> Sequence[FollowUp]:
    if not decision_ids:
        return []
    return session.scalars(
        select(FollowUp).where(FollowUp.decision_id.in_(decision_ids)).order_by(FollowUp.id)
    ).all()
