"""Pydantic shapes for volunteers: registration, activities, sign-in/out and hours entered afterwards."""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import Field, field_validator

from zhili.community.schemas import CODE12, Strict, Text

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
    starts_at: datetime
    ends_at: datetime


class SignIn(Strict):
    activity_id: int
    at: datetime | None = Field(default=None, description="签到/签退时间，缺省为当前时间")


class HoursIn(Strict):
    hours: float = Field(gt=0, le=24, description="补录服务时长（小时），单次不超过 24")
    served_on: date
    note: Text = Field(min_length=1, max_length=500, description="补录依据")
