"""Pydantic shapes for volunteers: registration, activities, sign-in/out and hours entered afterwards,
and the answers (names and phones always masked)."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field, computed_field, field_validator

from zhili.community.schemas import CODE12, Moment, Strict, Text
from zhili.kernel import fields

MOBILE = re.compile(r"^1[3-9]\d{9}$")


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
    starts_at: fields.Moment
    ends_at: fields.Moment


class SignIn(Strict):
    activity_id: int
    at: fields.Moment | None = Field(default=None, description="签到/签退时间，缺省为当前时间")


class HoursIn(Strict):
    hours: float = Field(gt=0, le=24, description="补录服务时长（小时），单次不超过 24")
    served_on: date
    note: Text = Field(min_length=1, max_length=500, description="补录依据")


class VolunteerOut(BaseModel):
    id: int
    community_code: str
    name: str | None = Field(description="姓名（已脱敏）")
    phone: str | None = Field(description="手机号（已脱敏）")
    hours: float = Field(description="累计服务时长（小时）")
    stars: int = Field(description="星级 0-5")
    next_star_hours: int | None = Field(description="下一星级所需累计时长（小时）；已达五星为 null")
    registered_at: Moment


class VolunteerPageOut(BaseModel):
    total: int = Field(description="符合条件的志愿者总数（不受分页影响）")
    items: list[VolunteerOut]


class ServiceRecordOut(BaseModel):
    activity_id: int | None = Field(description="签到的活动；补录时长为 null")
    signed_in_at: Moment
    signed_out_at: Moment | None = Field(description="尚未签退为 null")
    minutes: int | None = Field(description="服务分钟数；尚未签退为 null")
    note: str | None = Field(description="补录依据")


class VolunteerDetailOut(VolunteerOut):
    records: list[ServiceRecordOut]


class SignedInOut(BaseModel):
    record_id: int
    signed_in_at: Moment


class MinutesServedOut(BaseModel):
    minutes: int = Field(description="本次记入的服务分钟数")
    volunteer: VolunteerOut


class VolunteerStatsOut(BaseModel):
    """Registered volunteers against the resident population of the communities with a profile."""

    division: str = Field(description="行政区划编码前缀；空为整个辖区")
    volunteers: int = Field(description="注册志愿者人数")
    population: int = Field(description="已录入基础数据的社区常住人口")
    share: float | None = Field(description="志愿者占常住人口比例 0-1；无人口数据为 null")
    target: float = Field(description="规划目标比例（0.21）")
    stars: dict[int, int] = Field(description="星级（0-5）→ 人数")
    hours: float = Field(description="累计服务时长（小时）")

    @computed_field(description="占比是否达到规划目标")  # type: ignore[prop-decorator]
    @property
    def meets_target(self) -> bool:
        return self.share is not None and self.share >= self.target


class VolunteerActivityOut(BaseModel):
    id: int
    community_code: str
    title: str
    place: str
    starts_at: Moment
    ends_at: Moment
