"""JSON routes of the 社区议事厅."""

from __future__ import annotations

from fastapi import APIRouter, Query

from zhili.community.halls import repository as halls
from zhili.community.halls import service
from zhili.community.halls.models import Proposal
from zhili.community.halls.schemas import (
    CommentIn,
    FollowUpDoneIn,
    HallCommentAddedOut,
    HallDecisionIn,
    HallDecisionMadeOut,
    HallFollowUpDoneOut,
    HallIn,
    HallMeetingRecordedOut,
    HallOut,
    HallProposalOut,
    HallTopicDetailOut,
    HallTopicOut,
    HallVoteCastOut,
    MeetingIn,
    ProposalIn,
    ResidentAct,
    TopicIn,
    VoteIn,
)
from zhili.community.halls.views import hall_view, proposal_view, topic_detail, topic_view
from zhili.community.policy import CommunityKeeper, CommunityReader
from zhili.deps import DbSession

router = APIRouter(prefix="/api/community", tags=["community-hall"])


@router.get("/halls", response_model=list[HallOut])
def list_halls(
    actor: CommunityReader, session: DbSession, division: str | None = Query(default=None, max_length=12)
) -> list[HallOut]:
    return [hall_view(h) for h in halls.list_halls(session, actor, division)]


@router.post("/halls", response_model=HallOut, status_code=201)
def create_hall(body: HallIn, actor: CommunityKeeper, session: DbSession) -> HallOut:
    return hall_view(service.create_hall(session, actor, body))


@router.get("/topics", response_model=list[HallTopicOut])
def list_topics(actor: CommunityReader, session: DbSession, hall_id: int | None = None) -> list[HallTopicOut]:
    return [topic_view(t) for t in halls.list_topics(session, actor, hall_id)]


@router.post("/topics", response_model=HallTopicDetailOut, status_code=201)
def open_topic(body: TopicIn, actor: CommunityKeeper, session: DbSession) -> HallTopicDetailOut:
    topic = service.open_topic(session, actor, body)
    return topic_detail(session, topic)


@router.get("/topics/{topic_id}", response_model=HallTopicDetailOut)
def get_topic(topic_id: int, actor: CommunityReader, session: DbSession) -> HallTopicDetailOut:
    return topic_detail(session, halls.get_topic(session, actor, topic_id))


@router.post("/topics/{topic_id}/comments", response_model=HallCommentAddedOut, status_code=201)
def comment(
    topic_id: int, body: CommentIn, actor: CommunityKeeper, session: DbSession
) -> HallCommentAddedOut:
    item = service.add_comment(session, actor, topic_id, body.body)
    return HallCommentAddedOut(id=item.id, author=item.author, body=item.body)


@router.post("/topics/{topic_id}/meetings", response_model=HallMeetingRecordedOut, status_code=201)
def meeting(
    topic_id: int, body: MeetingIn, actor: CommunityKeeper, session: DbSession
) -> HallMeetingRecordedOut:
    item = service.record_meeting(session, actor, topic_id, body)
    return HallMeetingRecordedOut(id=item.id, held_at=item.held_at.isoformat(), minutes=item.minutes)


@router.post("/topics/{topic_id}/proposals", response_model=HallProposalOut, status_code=201)
def propose(topic_id: int, body: ProposalIn, actor: CommunityKeeper, session: DbSession) -> HallProposalOut:
    return proposal_view(service.propose(session, actor, topic_id, body), 0, {})


def _proposal_out(session: DbSession, proposal: Proposal) -> HallProposalOut:
    supports, votes = halls.counts(session, [proposal.id])
    return proposal_view(proposal, supports.get(proposal.id, 0), votes.get(proposal.id, {}))


@router.post("/proposals/{proposal_id}/supports", response_model=HallProposalOut, status_code=201)
def support(
    proposal_id: int, body: ResidentAct, actor: CommunityKeeper, session: DbSession
) -> HallProposalOut:
    proposal = service.support(session, actor, proposal_id, body.resident_id)
    return _proposal_out(session, proposal)


@router.post("/proposals/{proposal_id}/votes", response_model=HallVoteCastOut, status_code=201)
def vote(proposal_id: int, body: VoteIn, actor: CommunityKeeper, session: DbSession) -> HallVoteCastOut:
    ballot = service.vote(session, actor, proposal_id, body.resident_id, body.choice)
    proposal = session.get(Proposal, proposal_id)
    assert proposal is not None  # the vote was just cast on it
    return HallVoteCastOut(vote_id=ballot.id, proposal=_proposal_out(session, proposal))


@router.post("/proposals/{proposal_id}/decision", response_model=HallDecisionMadeOut, status_code=201)
def decide(
    proposal_id: int, body: HallDecisionIn, actor: CommunityKeeper, session: DbSession
) -> HallDecisionMadeOut:
    decision = service.decide(session, actor, proposal_id, body)
    topic = halls.get_topic(session, actor, decision.topic_id)
    return HallDecisionMadeOut(
        decision_id=decision.id, adopted=decision.adopted, topic=topic_detail(session, topic)
    )


@router.post("/followups/{follow_up_id}/done", response_model=HallFollowUpDoneOut)
def follow_up_done(
    follow_up_id: int, body: FollowUpDoneIn, actor: CommunityKeeper, session: DbSession
) -> HallFollowUpDoneOut:
    item = service.complete_follow_up(session, actor, follow_up_id, body.note)
    return HallFollowUpDoneOut(id=item.id, done=True)
