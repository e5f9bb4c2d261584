"""Pydantic shapes the 议事厅 takes: halls, topics, comments, meetings, proposals, supports, votes,
decisions and their follow-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from zhili.community.halls.models import VoteChoice
from zhili.community.schemas import CODE12, OptText, Strict, Text


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
    held_at: datetime
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


class DecisionIn(Strict):
    summary: Text = Field(min_length=1, max_length=5000)
    follow_ups: list[FollowUpIn] = Field(default_factory=list, max_length=50)


class FollowUpDoneIn(Strict):
    note: OptText = Field(default=None, max_length=2000)
