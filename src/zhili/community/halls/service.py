"""社区议事厅 rules: topics (also escalated from a complaint cluster), proposals that go to a vote
once enough residents support them, one verified resident one vote, decisions fed back to cases."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases import repository as cases
from zhili.cases.events import append_event
from zhili.cases.models import Case
from zhili.community.access import check_writable, division_at
from zhili.community.halls import repository as halls
from zhili.community.halls.models import (
    Comment,
    Decision,
    DeliberationHall,
    FollowUp,
    Meeting,
    Proposal,
    ProposalStatus,
    Support,
    Topic,
    TopicCase,
    TopicSource,
    TopicStatus,
    Vote,
    VoteChoice,
)
from zhili.community.halls.schemas import HallDecisionIn, HallIn, MeetingIn, ProposalIn, TopicIn
from zhili.community.profiles.models import Resident
from zhili.divisions.models import DivisionLevel
from zhili.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhili.kernel.clock import as_aware, utcnow

MIN_CLUSTER = 2


def _audit(session: Session, actor: Actor, action: str, target: str, kind: str, **detail: object) -> None:
    audit.record(
        session, actor=actor.username, action=action, target_type=kind, target_id=target, detail=detail
    )


def create_hall(session: Session, actor: Actor, body: HallIn) -> DeliberationHall:
    community = division_at(session, body.community_code, DivisionLevel.community, field="community_code")
    check_writable(actor, body.community_code)
    taken = session.execute(
        select(DeliberationHall.id).where(DeliberationHall.community_code == body.community_code)
    ).first()
    if taken is not None:
        raise Conflict("该社区已建立议事厅", field="community_code")
    hall = DeliberationHall(
        **body.model_dump(), street_code=community.parent_code or "", created_by=actor.username
    )
    session.add(hall)
    session.flush()
    _audit(session, actor, "community.hall.create", str(hall.id), "hall", community=body.community_code)
    return hall


def _cluster(session: Session, actor: Actor, codes: list[str]) -> list[Case]:
    unique = list(dict.fromkeys(code.strip() for code in codes))
    if len(unique) < MIN_CLUSTER:
        raise ValidationFailed(f"诉求簇至少需要 {MIN_CLUSTER} 件不同的诉求", field="case_codes")
    found: list[Case] = []
    for code in unique:
        try:
            found.append(cases.get_readable(session, actor, code))
        except NotFound:
            raise NotFound(f"诉求 {code} 不存在或不在您的辖区内", field="case_codes") from None
    return found


def open_topic(session: Session, actor: Actor, body: TopicIn) -> Topic:
    hall = halls.get_hall(session, actor, body.hall_id)
    check_writable(actor, hall.community_code)
    linked = _cluster(session, actor, body.case_codes) if body.case_codes else []
    now = utcnow()
    topic = Topic(
        hall_id=hall.id,
        community_code=hall.community_code,
        title=body.title,
        description=body.description,
        source=TopicSource.cases if linked else TopicSource.manual,
        status=TopicStatus.open,
        created_by=actor.username,
        created_at=now,
    )
    session.add(topic)
    session.flush()
    for case in linked:
        session.add(TopicCase(topic_id=topic.id, case_id=case.id))
        append_event(
            session,
            case,
            action="deliberation_topic",
            actor=actor,
            at=now,
            from_state=case.state,
            public=True,
            note=f"已提交社区议事厅议题：{topic.title}",
            data={"topic_id": topic.id},
        )
    session.flush()
    _audit(
        session,
        actor,
        "community.topic.create",
        str(topic.id),
        "topic",
        hall=hall.id,
        cases=[case.code for case in linked],
    )
    return topic


def _writable_topic(session: Session, actor: Actor, topic_id: int) -> Topic:
    topic = halls.get_topic(session, actor, topic_id)
    check_writable(actor, topic.community_code)
    return topic


def add_comment(session: Session, actor: Actor, topic_id: int, body: str) -> Comment:
    topic = _writable_topic(session, actor, topic_id)
    if topic.status != TopicStatus.open:
        raise Conflict("议题已结束，不能再讨论")
    comment = Comment(topic_id=topic.id, author=actor.username, body=body, created_at=utcnow())
    session.add(comment)
    session.flush()
    return comment


def record_meeting(session: Session, actor: Actor, topic_id: int, body: MeetingIn) -> Meeting:
    topic = _writable_topic(session, actor, topic_id)
    held_at = as_aware(body.held_at)
    if held_at > utcnow():
        raise ValidationFailed("会议时间不能晚于当前时间（请在会后记录纪要）", field="held_at")
    meeting = Meeting(
        topic_id=topic.id,
        held_at=held_at,
        place=body.place,
        attendees=body.attendees,
        minutes=body.minutes,
        recorded_by=actor.username,
    )
    session.add(meeting)
    session.flush()
    _audit(session, actor, "community.meeting.record", str(meeting.id), "meeting", topic=topic.id)
    return meeting


def propose(session: Session, actor: Actor, topic_id: int, body: ProposalIn) -> Proposal:
    topic = _writable_topic(session, actor, topic_id)
    if topic.status != TopicStatus.open:
        raise Conflict("议题已结束，不能再提出提案")
    proposal = Proposal(
        topic_id=topic.id,
        **body.model_dump(),
        status=ProposalStatus.collecting,
        proposed_by=actor.username,
        created_at=utcnow(),
    )
    session.add(proposal)
    session.flush()
    _audit(session, actor, "community.proposal.create", str(proposal.id), "proposal", topic=topic.id)
    return proposal


def _eligible(session: Session, topic: Topic, proposal: Proposal, resident_id: int) -> Resident:
    resident = session.get(Resident, resident_id)
    if resident is None or resident.community_code != topic.community_code:
        raise ValidationFailed("该居民未在本社区登记核验", field="resident_id")
    if proposal.zone and resident.zone != proposal.zone:
        raise Forbidden(f"本提案仅限 {proposal.zone} 的居民参与", field="resident_id")
    return resident


def _proposal(session: Session, actor: Actor, proposal_id: int) -> tuple[Proposal, Topic]:
    proposal = session.get(Proposal, proposal_id, with_for_update=True)
    if proposal is None:
        raise NotFound("提案不存在或不在您的辖区内")
    topic = _writable_topic(session, actor, proposal.topic_id)
    return proposal, topic


def support(session: Session, actor: Actor, proposal_id: int, resident_id: int) -> Proposal:
    proposal, topic = _proposal(session, actor, proposal_id)
    if proposal.status != ProposalStatus.collecting:
        raise Conflict("提案已不在征集附议阶段")
    _eligible(session, topic, proposal, resident_id)
    seen = session.execute(
        select(Support.id).where(Support.proposal_id == proposal.id, Support.resident_id == resident_id)
    ).first()
    if seen is not None:
        raise Conflict("该居民已附议本提案", field="resident_id")
    now = utcnow()
    session.add(Support(proposal_id=proposal.id, resident_id=resident_id, recorded_by=actor.username, at=now))
    session.flush()
    if halls.support_count(session, proposal.id) >= proposal.support_threshold:
        proposal.status = ProposalStatus.voting
        proposal.voting_opened_at = now
        _audit(session, actor, "community.proposal.voting", str(proposal.id), "proposal")
    session.flush()
    return proposal


def vote(session: Session, actor: Actor, proposal_id: int, resident_id: int, choice: VoteChoice) -> Vote:
    proposal, topic = _proposal(session, actor, proposal_id)
    if proposal.status != ProposalStatus.voting:
        raise Conflict("提案未处于表决阶段（附议数未达门槛或表决已结束）")
    _eligible(session, topic, proposal, resident_id)
    duplicate = "该居民已对本提案投票，不能重复投票"
    seen = session.execute(
        select(Vote.id).where(Vote.proposal_id == proposal.id, Vote.resident_id == resident_id)
    ).first()
    if seen is not None:
        raise Conflict(duplicate, field="resident_id")
    ballot = Vote(
        proposal_id=proposal.id,
        resident_id=resident_id,
        choice=choice,
        recorded_by=actor.username,
        at=utcnow(),
    )
    try:
        with session.begin_nested():  # a concurrent second vote hits the unique constraint
            session.add(ballot)
            session.flush()
    except IntegrityError:
        raise Conflict(duplicate, field="resident_id") from None
    _audit(session, actor, "community.vote", str(proposal.id), "proposal", resident=resident_id)
    return ballot


def decide(session: Session, actor: Actor, proposal_id: int, body: HallDecisionIn) -> Decision:
    """Close the vote: adopted when more than half of the votes cast say yes. The decision is
    appended to the history of every case the topic came from."""
    proposal, topic = _proposal(session, actor, proposal_id)
    if proposal.status != ProposalStatus.voting:
        raise Conflict("提案未处于表决阶段，不能形成决议")
    tally = dict(
        session.execute(
            select(Vote.choice, func.count()).where(Vote.proposal_id == proposal.id).group_by(Vote.choice)
        ).all()
    )
    yes, no, abstain = (int(tally.get(c, 0)) for c in (VoteChoice.yes, VoteChoice.no, VoteChoice.abstain))
    if yes + no + abstain == 0:
        raise Conflict("尚无居民投票，不能形成决议")
    adopted = yes * 2 > yes + no + abstain
    now = utcnow()
    decision = Decision(
        proposal_id=proposal.id,
        topic_id=topic.id,
        adopted=adopted,
        yes=yes,
        no=no,
        abstain=abstain,
        summary=body.summary,
        decided_by=actor.username,
        decided_at=now,
    )
    session.add(decision)
    proposal.status = ProposalStatus.adopted if adopted else ProposalStatus.rejected
    proposal.closed_at = now
    session.flush()
    for item in body.follow_ups:
        session.add(FollowUp(decision_id=decision.id, **item.model_dump(), created_by=actor.username))
    outcome = "通过" if adopted else "未通过"
    for case in halls.topic_cases(session, topic.id):
        append_event(
            session,
            case,
            action="deliberation_decision",
            actor=actor,
            at=now,
            from_state=case.state,
            public=True,
            note=f"社区议事厅决议（{outcome}）：{body.summary}",
            data={"topic_id": topic.id, "decision_id": decision.id},
        )
    session.flush()
    _audit(
        session,
        actor,
        "community.decision",
        str(decision.id),
        "decision",
        proposal=proposal.id,
        adopted=adopted,
        yes=yes,
        no=no,
        abstain=abstain,
    )
    return decision


def complete_follow_up(session: Session, actor: Actor, follow_up_id: int, note: str | None) -> FollowUp:
    item = session.get(FollowUp, follow_up_id)
    if item is None:
        raise NotFound("跟进任务不存在或不在您的辖区内")
    decision = session.get(Decision, item.decision_id)
    assert decision is not None
    _writable_topic(session, actor, decision.topic_id)
    if item.done_at is not None:
        raise Conflict("该跟进任务已完成")
    item.done_at = utcnow()
    item.note = note
    session.flush()
    _audit(session, actor, "community.followup.done", str(item.id), "followup")
    return item
