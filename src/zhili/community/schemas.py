"""Pydantic shapes for community base data, residents, 议事厅, volunteers and social organisations."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from zhili.community.hall_models import VoteChoice

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
CODE12 = r"^\d{12}$"
CODE9 = r"^\d{9}$"


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
OptText = Annotated[str | None, BeforeValidator(_stripped)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileIn(Strict):
    population: int = Field(ge=0, le=1_000_000, description="常住人口")
    households: int = Field(ge=0, le=500_000, description="户数")
    area_km2: float | None = Field(default=None, ge=0, le=10_000, description="面积（平方公里）")
    service_space_m2: float = Field(ge=0, le=100_000, description="社区服务管理用房面积（平方米）")
    new_estate: bool = Field(default=False, description="新建小区（服务用房标准 500 平方米）")
    facilities: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=50
    )
    has_owners_committee: bool = False
    property_coverage: float = Field(default=0, ge=0, le=1, description="物业服务覆盖率 0-1")


class ProfileOut(ProfileIn):
    community_code: str
    community_name: str
    street_code: str
    service_space_compliant: bool
    urban: bool


class ResidentIn(Strict):
    community_code: Text = Field(pattern=CODE12)
    name: Text = Field(min_length=1, max_length=50)
    id_number: Text = Field(description="身份证号，仅保存其密钥摘要用于一人一票")
    zone: OptText = Field(default=None, max_length=64, description="楼栋/片区")

    @field_validator("id_number")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_NUMBER.match(value):
            raise ValueError("身份证号码格式不正确（18 位）")
        return value.upper()


class ResidentOut(BaseModel):
    id: int
    community_code: str
    zone: str | None
    name: str | None = Field(description="已脱敏")
    verified_at: datetime


# -- 议事厅 -------------------------------------------------------------------------------------
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


# -- volunteers -------------------------------------------------------------------------------
class VolunteerIn(Strict):
    community_code: Text = Field(pattern=CODE12)
    name: Text = Field(min_length=1, max_length=50)
    phone: Text

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        if not MOBILE.match(value):
            raise ValueError("手机号格式不正确（11 位）")
        return value


class ActivityIn(Strict):
    community_code: Text = Field(pattern=CODE12)
    title: Text = Field(min_length=1, max_length=200)
    place: Text = Field(min_length=1, max_length=128)
    starts_at: datetime
    ends_at: datetime


class SignIn(Strict):
    activity_id: int
    at: datetime | None = Field(default=None, description="签到/签退时间，缺省为当前时间")


class HoursIn(Strict):
    hours: float = Field(gt=0, le=24, description="补录服务时长（小时），单次不超过 24")
    served_on: date
    note: Text = Field(min_length=1, max_length=500, description="补录依据")
