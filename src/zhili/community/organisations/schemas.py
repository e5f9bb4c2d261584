"""What the API takes to register a social organisation or a street hub, and what it answers."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from zhili.community.organisations.models import HubKind, OrgType
from zhili.community.schemas import CODE9, Strict, Text


class OrgIn(Strict):
    name: Text = Field(min_length=1, max_length=128)
    org_type: OrgType
    street_code: Text = Field(pattern=CODE9)
    registered_on: date | None = None


class HubIn(Strict):
    kind: HubKind
    street_code: Text = Field(pattern=CODE9)
    name: Text = Field(min_length=1, max_length=128)
    established_on: date | None = None


class SocialOrgOut(BaseModel):
    id: int
    name: str
    org_type: OrgType
    org_type_label: str = Field(description="类型名称，如 公益慈善类")
    street_code: str
    registered_on: date | None = Field(description="登记日期")


class StreetHubOut(BaseModel):
    id: int
    kind: HubKind
    kind_label: str = Field(description="社会组织孵化服务机构 或 社会组织联合会")
    street_code: str
    name: str
