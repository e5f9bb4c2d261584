"""Pydantic shapes for intake, actions and reading cases."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from zhili.cases.states import SATISFACTION_LABELS, CaseState, Satisfaction
from zhili.kernel.fields import Id, Moment
from zhili.taxonomy.enums import (
    CHANNEL_LABELS,
    DEMAND_TYPE_LABELS,
    URGENCY_LABELS,
    Channel,
    DemandType,
    Urgency,
    by_label,
)

MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")
MAX_TITLE = 200
MAX_TEXT = 5000


def _label_or_code(labels: dict[Any, str]) -> BeforeValidator:
    def convert(value: object) -> object:
        if isinstance(value, str):
            member = by_label(labels, value.strip())
            return member.value if member else value
        return value

    return BeforeValidator(convert)


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
TypeField = Annotated[DemandType, _label_or_code(DEMAND_TYPE_LABELS)]
UrgencyField = Annotated[Urgency, _label_or_code(URGENCY_LABELS)]
ChannelField = Annotated[Channel, _label_or_code(CHANNEL_LABELS)]


class CitizenIn(BaseModel):
    name: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=50)
    phone: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=20)
    id_number: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=18)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not (MOBILE.match(value) or LANDLINE.match(value)):
            raise ValueError("电话号码格式不正确（手机号 11 位，或区号-座机号）")
        return value or None

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        if value and not ID_NUMBER.match(value):
            raise ValueError("身份证号码格式不正确（18 位）")
        return value.upper() if value else None


class CaseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    demand_type: TypeField = Field(description="诉求类型：咨询/求助/投诉/举报/建议/表扬（或英文代码）")
    urgency: UrgencyField = Urgency.ordinary
    category: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=16)
    channel: ChannelField
    title: Text = Field(min_length=1, max_length=MAX_TITLE)
    description: Text = Field(min_length=1, max_length=MAX_TEXT)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    address: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=300)
    citizen: CitizenIn = Field(default_factory=CitizenIn)
    confidential: bool = False
    received_at: Moment | None = None
    outside_city: bool = Field(
        default=False,
        description="坐席确认受理本市以外的诉求（如本市居民在外地反映）：不定位，进入待定位队列",
    )
    handle_as_case: bool = Field(
        default=False, description="建议类诉求默认转人民建议征集；坐席或派单员选择按诉求办理时为真"
    )


class LocationOut(BaseModel):
    """Where intake placed the demand (codes are None when the address could not be resolved)."""

    district: str | None
    street: str | None
    community: str | None
    h3_cell: str | None
    confidence: float | None = Field(description="0–1")
    ambiguous: list[str] = Field(description="candidate division codes when the address was ambiguous")


class CaseCreated(BaseModel):
    code: str
    state: CaseState
    created: bool = Field(description="False when an Idempotency-Key retry found the earlier case.")
    location: LocationOut
    located: bool = Field(description="False: no district yet; the case waits in its centre's 待定位 queue")
    warning: str | None = Field(default=None, description="未能定位或位于本市以外时的提示")


class ActionIn(BaseModel):
    """Fields an action may take; each action checks the ones it needs."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, description="The version you saw; a mismatch is a 409.")
    note: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=MAX_TEXT)
    lead_unit: str | None = Field(default=None, max_length=32)
    co_units: list[str] = Field(default_factory=list, max_length=10)
    units: list[str] = Field(default_factory=list, max_length=10)
    complex_case: bool | None = None
    category: str | None = Field(default=None, max_length=16)
    reply: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=MAX_TEXT)
    reason: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=MAX_TEXT)
    extension: str | None = Field(default=None, max_length=8, description="如 10d、5wd")
    contacted: bool | None = None
    solved: bool | None = None
    satisfaction: Annotated[Satisfaction | None, _label_or_code(SATISFACTION_LABELS)] = None
    comment: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=MAX_TEXT)
    target: str | None = Field(default=None, max_length=24, description="合并/关联的另一件诉求编号")
    knowledge_entry_id: Id | None = None
    division: str | None = Field(
        default=None, pattern=r"^\d{2,12}$", description="定位：区、街乡或社区编码（本市为 11 等市级编码）"
    )
    address: Annotated[str | None, BeforeValidator(_stripped)] = Field(default=None, max_length=300)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


EventValue = str | int | float | bool | list[str] | None


class EventOut(BaseModel):
    seq: int
    action: str
    label: str
    from_state: str | None
    to_state: str
    actor: str
    actor_role: str
    actor_role_label: str = Field(default="", description="角色的中文名称，如「坐席」")
    actor_unit: str | None
    actor_unit_name: str | None = None
    at: datetime
    note: str | None
    data: dict[str, EventValue] = Field(description="what the action recorded (unit codes, deadlines …)")


class AssignmentOut(BaseModel):
    unit: str
    unit_name: str
    role: str
    status: str
    assigned_at: datetime
    checkin_due: datetime | None
    checked_in_at: datetime | None
    reported_at: datetime | None
    report: str | None


class CitizenOut(BaseModel):
    name: str | None
    phone: str | None
    id_number: str | None
    shown: str = Field(description="full / masked / hidden")


class CaseOut(BaseModel):
    code: str
    version: int
    state: CaseState
    state_label: str
    demand_type: DemandType
    urgency: Urgency
    channel: Channel
    category: str | None
    category_path: list[str]
    title: str
    description: str
    district_code: str | None
    street_code: str | None
    community_code: str | None
    h3_cell: str | None
    lat: float | None
    lng: float | None
    address: str | None
    lead_unit: str | None
    lead_unit_name: str | None
    complex_case: bool
    reply: str | None
    received_at: datetime
    dispatched_at: datetime | None
    signed_at: datetime | None
    contacted_at: datetime | None
    reported_at: datetime | None
    visited_at: datetime | None
    closed_at: datetime | None
    sign_due: datetime | None
    contact_due: datetime | None
    feedback_due: datetime | None
    extension_requested: str | None
    extended: bool
    warning: bool
    overdue: bool
    return_count: int
    reopen_count: int
    satisfaction: Satisfaction | None
    visit_solved: bool | None
    closure_kind: str | None
    merged_into: str | None
    citizen: CitizenOut | None = None
    events: list[EventOut] | None = None
    assignments: list[AssignmentOut] | None = None
    links: list[dict[str, str]] | None = None


class CaseSummary(BaseModel):
    code: str
    state: CaseState
    state_label: str
    demand_type: DemandType
    urgency: Urgency
    title: str
    category: str | None
    district_code: str | None
    street_code: str | None
    lead_unit: str | None
    received_at: datetime
    feedback_due: datetime | None
    warning: bool
    overdue: bool


class CasePage(BaseModel):
    total: int = Field(
        description="符合条件的诉求数，精确计数到 10,000 件为止："
        "超过时为 10000 且 total_capped 为 true（页面显示“10,000+”）"
    )
    total_capped: bool = Field(default=False, description="true：实际数量超过 total（计数上限），不是精确值")
    total_estimated: bool = Field(
        default=False,
        description="true：计数超过时限，total 为数据库的估计值（页面显示“约 N 件”），不是精确值",
    )
    page: int
    page_size: int
    next_cursor: str | None = Field(
        default=None, description="下一页的游标：原样传给 cursor 参数；为 null 表示已是最后一页"
    )
    items: list[CaseSummary]


class ActionRuleOut(BaseModel):
    """One row of the lifecycle table (``GET /api/cases/actions``)."""

    action: str
    label: str
    from_states: list[CaseState]
    to_state: CaseState | None = Field(description="None: the action records something, the state stays")
    roles: list[str] = Field(description="roles allowed to take it (beyond the role, see party)")
    party: str = Field(description="centre, lead_unit or co_unit: whose action it is")
