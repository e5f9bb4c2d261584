"""Pydantic shapes for community base data and verified residents."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, field_validator

from zhili.community.schemas import CODE12, OptText, Strict, Text

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


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
