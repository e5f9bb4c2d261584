"""Pydantic shapes the 议事厅 takes and answers: halls, topics, comments, meetings, proposals,
supports, votes, decisions and their follow-ups. The answers' names start with ``Hall`` so that they
stay distinct from other domains' topics and decisions in /openapi.json."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from zhili.community.halls.models import ProposalStatus, TopicSource, TopicStatus, VoteChoice
from zhili.community.schemas import CODE12, Moment, OptText, Strict, Text
from zhili.kernel import fields


class HallIn(Strict):
    community_code: Text = Field(pattern=CODE12)
    name: Text = Field(min_length=1, max_length=128)
    model_name: OptText = Field(default=None, max_length=64, description="协商模式，如 五方共治")
    is_model: bool = Field(default=False, description="社区民主协商自治典型")
    established_on: date


class TopicIn(Strict):
    hall_id: int
    title: Text = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=5000)
    case_codes: list[Annotated[str, Field(min_length=1, max_length=24)]] = Field(
        default_factory=list, max_length=200, description="由反复诉求升级而来时：该诉求簇的诉求编号"
    )


class CommentIn(Strict):
    body: Text = Field(min_length=1, max_length=5000)


class MeetingIn(Strict):
    held_at: fields.Moment
    place: Text = Field(min_length=1, max_length=128)
    attendees: int = Field(ge=1, le=100_000)
    minutes: Text = Field(min_length=1, max_length=20_000)


class ProposalIn(Strict):
    title: Text = Field(min_length=1, max_length=200)
    body: Text = Field(min_length=1, max_length=5000)
    support_threshold: int = Field(ge=1, le=10_000, description="附议达到此数即进入表决")
    zone: OptText = Field(default=None, max_length=64, description="仅限该楼栋/片区居民附议和表决")


class ResidentAct(Strict):
    resident_id: int


class VoteIn(Strict):
    resident_id: int
    choice: VoteChoice


class FollowUpIn(Strict):
    title: Text = Field(min_length=1, max_length=200)
    assignee: Text = Field(min_length=1, max_length=128)
    due_on: date | None = None


class HallDecisionIn(Strict):
    summary: Text = Field(min_length=1, max_length=5000)
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=50)


class FollowUpDoneIn(Strict):
    note: OptText = Field(default=None, max_length=2000)


class HallOut(BaseModel):
    id: int
    community_code: str
    street_code: str
    name: str
    model_name: str | None = Field(description="协商模式，如 五方共治")
    is_model: bool = Field(description="社区民主协商自治典型")
    established_on: date


class HallTopicOut(BaseModel):
    id: int
    hall_id: int
    community_code: str
    title: str
    description: str
    source: TopicSource = Field(description="manual：居民/社区提出；cases：由反复诉求升级")
    status: TopicStatus
    created_by: str
    created_at: Moment


class HallCommentOut(BaseModel):
    author: str
    body: str
    created_at: Moment


class HallCommentAddedOut(BaseModel):
    id: int
    author: str
    body: str


class HallMeetingOut(BaseModel):
    id: int
    held_at: Moment
    place: str
    attendees: int = Field(description="参会人数")
    minutes: str = Field(description="会议纪要")


class HallMeetingRecordedOut(BaseModel):
    id: int
    held_at: Moment
    minutes: str = Field(description="会议纪要")


class HallVotesOut(BaseModel):
    yes: int = Field(description="赞成票")
    no: int = Field(description="反对票")
    abstain: int = Field(description="弃权票")


class HallProposalOut(BaseModel):
    id: int
    topic_id: int
    title: str
    body: str
    zone: str | None = Field(description="仅限该楼栋/片区居民附议和表决；null 为全社区")
    support_threshold: int = Field(description="附议达到此数即进入表决")
    supports: int = Field(description="已附议居民数")
    status: ProposalStatus
    status_label: str = Field(description="状态名称，如 征集附议、投票中")
    votes: HallVotesOut


class HallFollowUpOut(BaseModel):
    id: int
    title: str
    assignee: str = Field(description="跟进责任方")
    due_on: date | None = Field(description="完成期限")
    done: bool


class HallDecisionOut(BaseModel):
    id: int
    proposal_id: int
    adopted: bool = Field(description="赞成票超过投票总数一半即通过")
    yes: int
    no: int
    abstain: int
    summary: str = Field(description="决议内容")
    decided_at: Moment
    follow_ups: list[HallFollowUpOut]


class HallTopicDetailOut(HallTopicOut):
    cases: list[str] = Field(description="议题来源诉求的编号；决议写入这些诉求的办理记录")
    comments: list[HallCommentOut]
    meetings: list[HallMeetingOut]
    proposals: list[HallProposalOut]
    decisions: list[HallDecisionOut]


class HallVoteCastOut(BaseModel):
    vote_id: int
    proposal: HallProposalOut


class HallDecisionMadeOut(BaseModel):
    decision_id: int
    adopted: bool
    topic: HallTopicDetailOut


class HallFollowUpDoneOut(BaseModel):
    id: int
    done: bool
