"""Pydantic shapes for 人民建议征集: submissions, campaigns and steps in; suggestions, campaigns,
tracking, the 优秀建议 list and the 采纳率 figures out. None is keyed by suggester."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from zhili.kernel import fields
from zhili.suggestions.states import SuggestionSource, SuggestionState


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def _checked(value: object) -> object:
    """A form's checkbox sends "on" (or nothing); JSON sends a boolean. Anything else is refused."""
    if isinstance(value, str) and value.strip().lower() == "on":
        return True
    return value


Text = Annotated[fields.CleanText, BeforeValidator(_stripped)]
OptText = Annotated[fields.CleanText | None, BeforeValidator(_stripped)]
DivisionCode = Annotated[str, BeforeValidator(_stripped), Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]
Consent = Annotated[bool, BeforeValidator(_checked)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SuggestionIn(Strict):
    """A suggestion from the portal, optionally answering an open campaign (by its code)."""

    title: Text = Field(min_length=1, max_length=200)
    content: Text = Field(min_length=10, max_length=5000)
    division_code: DivisionCode = Field(description="建议涉及的区划（区、街乡镇或社区编码）")
    campaign: OptText = Field(default=None, max_length=24, description="响应的征集活动编号")
    name: Text = Field(min_length=1, max_length=64)
    phone: Text = Field(min_length=5, max_length=32, pattern=r"^[0-9+\- ]{5,32}$")
    consent_publish: Consent = Field(default=False, description="同意在优秀建议名单中公开（不含个人信息）")


class CampaignIn(Strict):
    title: Text = Field(min_length=1, max_length=200)
    topic: Text = Field(min_length=1, max_length=5000)
    division_code: DivisionCode = Field(description="征集涉及的区划")
    opens_on: date | None = Field(default=None, description="开始日期；默认今天")
    closes_on: date = Field(description="截止日期")


class SuggestionStepIn(Strict):
    """One step. ``text`` is the reason, the department's opinion or the 成果转化."""

    text: OptText = Field(default=None, max_length=5000)
    unit: OptText = Field(default=None, max_length=32, description="转部门研提意见时的单位编码")
    year: int | None = Field(default=None, ge=2000, le=2999, description="优秀建议的年度；默认决定年份")


class SuggesterOut(BaseModel):
    name: str | None
    phone: str | None
    shown: Literal["full", "masked"] = Field(description="full：完整显示；masked：脱敏显示")


class SuggestionStepOut(BaseModel):
    action: str
    label: str
    to_state: str
    actor: str
    at: datetime
    note: str | None


class SuggestionSummaryOut(BaseModel):
    code: str
    source: SuggestionSource
    source_label: str
    title: str
    excerpt: str = Field(description="内容摘要（前 80 字）")
    division_code: str
    campaign: str | None = Field(description="征集活动标题")
    department: str | None = Field(description="转请研提意见的部门")
    state: SuggestionState
    state_label: str
    received_at: datetime
    excellent_year: int | None


class SuggestionOut(SuggestionSummaryOut):
    content: str
    office: str
    department_opinion: str | None
    reason: str | None
    result: str | None = Field(description="成果转化")
    consent_publish: bool
    case_code: str | None = Field(description="来源 12345 诉求编号")
    suggester: SuggesterOut
    steps: list[SuggestionStepOut]


class SuggestionSubmittedOut(BaseModel):
    code: str = Field(description="建议编号（凭编号和电话后四位查询）")
    state_label: str
    notice: str


class CampaignOut(BaseModel):
    code: str
    title: str
    topic: str
    department: str
    division_code: str
    opens_on: date
    closes_on: date
    open: bool = Field(description="是否仍在征集期内")
    suggestions: int = Field(description="收到的建议数")


class TrackStepOut(BaseModel):
    label: str
    at: datetime


class SuggestionTrackOut(BaseModel):
    """What a suggester sees by code + phone tail: no personal data, no staff names."""

    code: str
    title: str
    received_at: datetime
    state_label: str
    campaign: str | None
    reason: str | None = Field(description="审阅结果的理由")
    result: str | None = Field(description="成果转化")
    excellent_year: int | None
    steps: list[TrackStepOut]


class ExcellentOut(BaseModel):
    """A published 优秀建议: no name, no phone, no code."""

    year: int
    title: str
    excerpt: str
    outcome_label: str
    result: str | None
    campaign: str | None


class AdoptionFigureOut(BaseModel):
    """采纳率 of one month × department × campaign: (采纳 + 部分采纳) / 已作出审阅结论."""

    month: str = Field(description="作出结论的月份（YYYY-MM）")
    department: str | None = Field(description="征集部门或转请研提意见的部门；无则为空")
    campaign: str | None = Field(description="征集活动标题；非征集为空")
    decided: int
    adopted: int
    partly_adopted: int
    adoption_rate: float | None = Field(description="采纳率（采纳与部分采纳之和 / 已审结）")
