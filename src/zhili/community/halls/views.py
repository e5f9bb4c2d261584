"""The shapes of 议事厅 data that the API and the pages show (no personal data)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.community.halls import repository as halls
from zhili.community.halls.models import (
    PROPOSAL_STATUS_LABELS,
    Decision,
    DeliberationHall,
    FollowUp,
    Proposal,
    Topic,
)
from zhili.community.halls.schemas import (
    HallCommentOut,
    HallDecisionOut,
    HallFollowUpOut,
    HallMeetingOut,
    HallOut,
    HallProposalOut,
    HallTopicDetailOut,
    HallTopicOut,
    HallVotesOut,
)


def hall_view(hall: DeliberationHall) -> HallOut:
    return HallOut(
        id=hall.id,
        community_code=hall.community_code,
        street_code=hall.street_code,
        name=hall.name,
        model_name=hall.model_name,
        is_model=hall.is_model,
        established_on=hall.established_on,
    )


def topic_view(topic: Topic) -> HallTopicOut:
    return HallTopicOut(
        id=topic.id,
        hall_id=topic.hall_id,
        community_code=topic.community_code,
        title=topic.title,
        description=topic.description,
        source=topic.source,
        status=topic.status,
        created_by=topic.created_by,
        created_at=topic.created_at.isoformat(),
    )


def proposal_view(proposal: Proposal, supports: int, votes: dict[str, int]) -> HallProposalOut:
    return HallProposalOut(
        id=proposal.id,
        topic_id=proposal.topic_id,
        title=proposal.title,
        body=proposal.body,
        zone=proposal.zone,
        support_threshold=proposal.support_threshold,
        supports=supports,
        status=proposal.status,
        status_label=PROPOSAL_STATUS_LABELS[proposal.status],
        votes=HallVotesOut(yes=votes.get("yes", 0), no=votes.get("no", 0), abstain=votes.get("abstain", 0)),
    )


def _decision_view(decision: Decision, follow_ups: list[FollowUp]) -> HallDecisionOut:
    return HallDecisionOut(
        id=decision.id,
        proposal_id=decision.proposal_id,
        adopted=decision.adopted,
        yes=decision.yes,
        no=decision.no,
        abstain=decision.abstain,
        summary=decision.summary,
        decided_at=decision.decided_at.isoformat(),
        follow_ups=[
            HallFollowUpOut(
                id=f.id, title=f.title, assignee=f.assignee, due_on=f.due_on, done=f.done_at is not None
            )
            for f in follow_ups
        ],
    )


def topic_detail(session: Session, topic: Topic) -> HallTopicDetailOut:
    proposals = halls.proposals(session, topic.id)
    supports, votes = halls.counts(session, [p.id for p in proposals])
    decisions = halls.decisions(session, topic.id)
    follow_ups = halls.follow_ups(session, [d.id for d in decisions])
    return HallTopicDetailOut(
        **dict(topic_view(topic)),
        cases=[case.code for case in halls.topic_cases(session, topic.id)],
        comments=[
            HallCommentOut(author=c.author, body=c.body, created_at=c.created_at.isoformat())
            for c in halls.comments(session, topic.id)
        ],
        meetings=[
            HallMeetingOut(
                id=m.id,
                held_at=m.held_at.isoformat(),
                place=m.place,
                attendees=m.attendees,
                minutes=m.minutes,
            )
            for m in halls.meetings(session, topic.id)
        ],
        proposals=[proposal_view(p, supports.get(p.id, 0), votes.get(p.id, {})) for p in proposals],
        decisions=[_decision_view(d, [f for f in follow_ups if f.decision_id == d.id]) for d in decisions],
    )
