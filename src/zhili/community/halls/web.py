"""社区议事厅 pages: the halls and topics of the actor's jurisdiction, and one topic with its
discussion, proposals (supports and votes), meetings and decisions. Forms act through the same
service as the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.community.forms import form_data, parse
from zhili.community.halls import repository as halls
from zhili.community.halls import service
from zhili.community.halls.models import VOTE_LABELS
from zhili.community.halls.schemas import (
    CommentIn,
    FollowUpDoneIn,
    HallDecisionIn,
    HallIn,
    MeetingIn,
    ProposalIn,
    ResidentAct,
    TopicIn,
    VoteIn,
)
from zhili.community.halls.views import hall_view, topic_detail, topic_view
from zhili.community.pages import division_names
from zhili.community.policy import CommunityKeeper, CommunityReader, can_keep_community
from zhili.community.profiles import repository as profiles
from zhili.deps import DbSession
from zhili.errors import ZhiliError
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/community/halls", response_class=HTMLResponse)
def halls_page(request: Request, session: DbSession, actor: CommunityReader) -> HTMLResponse:
    return _halls(request, session, actor)


def _halls(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    hall_rows = [hall_view(h) for h in halls.list_halls(session, actor)]
    topics = [topic_view(t) for t in halls.list_topics(session, actor)]
    names = division_names(session, {h.community_code for h in hall_rows})
    context = {
        "halls": hall_rows,
        "topics": topics,
        "names": names,
        "can_keep": can_keep_community(actor),
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "community/halls.html", context, status=status)


@router.post("/community/halls")
async def create_hall(request: Request, session: DbSession, actor: CommunityKeeper) -> Response:
    """登记议事厅 from the page (it used to need ``POST /api/community/halls``)."""
    data = await form_data(request)
    body = {**data, "is_model": data.get("is_model") == "1"}
    try:
        service.create_hall(session, actor, parse(HallIn, body))
    except ZhiliError as refused:
        return _halls(request, session, actor, data, refused.form_errors(), refused.status)
    return see_other(request, "/community/halls?saved=1")


@router.post("/community/topics")
async def create_topic(request: Request, session: DbSession, actor: CommunityKeeper) -> Response:
    data = await form_data(request)
    codes = [c for c in data.pop("case_codes", "").replace("，", " ").replace(",", " ").split() if c]
    topic = service.open_topic(session, actor, parse(TopicIn, {**data, "case_codes": codes}))
    return see_other(request, f"/community/topics/{topic.id}")


@router.get("/community/topics/{topic_id}", response_class=HTMLResponse)
def topic_page(request: Request, topic_id: int, session: DbSession, actor: CommunityReader) -> HTMLResponse:
    topic = halls.get_topic(session, actor, topic_id)
    detail = topic_detail(session, topic)
    residents = profiles.list_residents(session, actor, topic.community_code)
    context = {
        "topic": detail,
        "community": division_names(session, {topic.community_code})[topic.community_code],
        "residents": [(r.id, r.zone) for r in residents],
        "vote_labels": {choice.value: label for choice, label in VOTE_LABELS.items()},
    }
    return render(request, "community/topic.html", context)


def _back(request: Request, topic_id: int) -> Response:
    return see_other(request, f"/community/topics/{topic_id}")


@router.post("/community/topics/{topic_id}/comments")
async def comment(request: Request, topic_id: int, session: DbSession, actor: CommunityKeeper) -> Response:
    body = parse(CommentIn, await form_data(request))
    service.add_comment(session, actor, topic_id, body.body)
    return _back(request, topic_id)


@router.post("/community/topics/{topic_id}/proposals")
async def propose(request: Request, topic_id: int, session: DbSession, actor: CommunityKeeper) -> Response:
    service.propose(session, actor, topic_id, parse(ProposalIn, await form_data(request)))
    return _back(request, topic_id)


@router.post("/community/proposals/{proposal_id}/supports")
async def support(request: Request, proposal_id: int, session: DbSession, actor: CommunityKeeper) -> Response:
    proposal = service.support(
        session, actor, proposal_id, parse(ResidentAct, await form_data(request)).resident_id
    )
    return _back(request, proposal.topic_id)


@router.post("/community/proposals/{proposal_id}/votes")
async def vote(request: Request, proposal_id: int, session: DbSession, actor: CommunityKeeper) -> Response:
    body = parse(VoteIn, await form_data(request))
    service.vote(session, actor, proposal_id, body.resident_id, body.choice)
    proposal = session.get(service.Proposal, proposal_id)
    assert proposal is not None
    return _back(request, proposal.topic_id)


@router.post("/community/proposals/{proposal_id}/decision")
async def decide(request: Request, proposal_id: int, session: DbSession, actor: CommunityKeeper) -> Response:
    data = await form_data(request)
    follow_ups = []
    if data.get("follow_up_title"):
        follow_up = {
            "title": data["follow_up_title"],
            "assignee": data.get("follow_up_assignee", ""),
            "due_on": data.get("follow_up_due_on"),
        }
        follow_ups.append({k: v for k, v in follow_up.items() if v})
    body = parse(HallDecisionIn, {"summary": data.get("summary", ""), "follow_ups": follow_ups})
    decision = service.decide(session, actor, proposal_id, body)
    return _back(request, decision.topic_id)


@router.post("/community/topics/{topic_id}/meetings")
async def meeting(request: Request, topic_id: int, session: DbSession, actor: CommunityKeeper) -> Response:
    data = await form_data(request)
    if data.get("held_at") and len(data["held_at"]) == 16:  # <input type=datetime-local> is local time
        data["held_at"] += ":00+08:00"
    service.record_meeting(session, actor, topic_id, parse(MeetingIn, data))
    return _back(request, topic_id)


@router.post("/community/followups/{follow_up_id}/done")
async def follow_up_done(
    request: Request, follow_up_id: int, session: DbSession, actor: CommunityKeeper
) -> Response:
    body = parse(FollowUpDoneIn, await form_data(request))
    item = service.complete_follow_up(session, actor, follow_up_id, body.note)
    decision = session.get(service.Decision, item.decision_id)
    assert decision is not None
    return _back(request, decision.topic_id)
