"""Pydantic shapes for 信访: registration in, procedure steps in, matters and figures out.

Every out-shape is about a matter, a place or a category; none is keyed by petitioner."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from zhili.cases.states import Satisfaction
from zhili.kernel import fields
from zhili.petitions.states import LeaderActionKind, MatterState, PetitionChannel, ReceptionKind


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[fields.CleanText, BeforeValidator(_stripped)]
OptText = Annotated[fields.CleanText | None, BeforeValidator(_stripped)]
DivisionCode = Annotated[str, BeforeValidator(_stripped), Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]
UnitCode = Annotated[str, BeforeValidator(_stripped), Field(min_length=1, max_length=32)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PetitionerIn(Strict):
    name: OptText = Field(default=None, max_length=64)
    phone: OptText = Field(default=None, max_length=32, pattern=r"^[0-9+\- ]{5,32}$")
    id_number: OptText = Field(default=None, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")
    address: OptText = Field(default=None, max_length=300)


class PetitionIn(Strict):
    """A petition registered by the 信访 office: a visit at the window, a letter, a 12345 escalation."""

    channel: PetitionChannel
    title: Text = Field(min_length=1, max_length=200)
    content: Text = Field(min_length=1, max_length=5000)
    category: Text = Field(min_length=2, max_length=16, description="诉求分类编码，如 020201")
    division_code: DivisionCode = Field(description="事项所在区划（区、街乡镇或社区编码）")
    petitioner: PetitionerIn = Field(default_factory=PetitionerIn)
    case_code: OptText = Field(default=None, max_length=24, description="12345 诉求转信访时的诉求编号")
    matter_code: OptText = Field(default=None, max_length=24, description="登记人确认属同一事项时的事项编号")
    received_at: fields.Moment | None = Field(default=None, description="实际收到时间（来信以收信日为准）")


class OnlinePetitionIn(Strict):
    """网上信访 from the portal: the phone is required (tracking is by code + phone tail)."""

    title: Text = Field(min_length=1, max_length=200)
    content: Text = Field(min_length=1, max_length=5000)
    category: Text = Field(min_length=2, max_length=16)
    division_code: DivisionCode
    name: Text = Field(min_length=1, max_length=64)
    phone: Text = Field(min_length=5, max_length=32, pattern=r"^[0-9+\- ]{5,32}$")
    id_number: OptText = Field(default=None, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")
    case_code: OptText = Field(default=None, max_length=24, description="要转为信访的 12345 诉求编号")


class PetitionStepIn(Strict):
    """One step of the procedure. ``text`` is the reason, the 答复意见书 or the opinion."""

    unit: UnitCode | None = Field(default=None, description="转送/交办、复查、复核机关的单位编码")
    mode: Literal["转送", "交办"] | None = None
    text: OptText = Field(default=None, max_length=10000)
    days: int | None = Field(default=None, ge=1, le=30, description="延期日数（工作日，至多 30）")
    at: fields.Moment | None = Field(default=None, description="实际发生时间（补录）；默认现在")


class LeaderIn(Strict):
    username: Text = Field(min_length=1, max_length=64)


class LeaderActionIn(Strict):
    kind: LeaderActionKind
    note: Text = Field(min_length=1, max_length=5000)
    place: OptText = Field(default=None, max_length=200)
    at: fields.Moment | None = None


class ReceptionIn(Strict):
    kind: ReceptionKind
    leader: Text = Field(min_length=1, max_length=64, description="接访领导的用户名")
    division_code: DivisionCode = Field(description="接访/下访的区划（下访到社区时填社区编码）")
    starts_at: fields.Moment
    ends_at: fields.Moment
    place: Text = Field(min_length=1, max_length=200)


class ReceptionRecordIn(Strict):
    visitors: int = Field(ge=0, le=10000)
    summary: Text = Field(min_length=1, max_length=5000)


class PetitionRegisteredOut(BaseModel):
    code: str = Field(description="信访件编号（凭编号和电话后四位查询）")
    matter_code: str = Field(description="信访事项编号")
    repeat: bool = Field(description="是否为同一事项的重复信访（不另计事项）")
    matter_state: MatterState
    matter_state_label: str
    linked_cases: list[str] = Field(description="关联的 12345 诉求编号")
    notice: str = Field(description="给登记人的说明")


class PetitionerOut(BaseModel):
    name: str | None
    phone: str | None
    id_number: str | None
    address: str | None
    shown: Literal["full", "masked"] = Field(description="full：完整显示；masked：脱敏显示")


class PetitionItemOut(BaseModel):
    code: str
    channel: PetitionChannel
    channel_label: str
    received_at: datetime
    repeat: bool
    title_hint: str = Field(description="内容摘要（前 60 字）")
    petitioner: PetitionerOut
    scans: int = Field(description="来信扫描件数")


class PetitionStepOut(BaseModel):
    action: str
    label: str
    to_state: str
    actor: str
    at: datetime
    due_at: datetime | None
    note: str | None


class PetitionLeaderActionOut(BaseModel):
    id: int
    kind: LeaderActionKind
    kind_label: str
    leader: str
    at: datetime
    place: str | None
    note: str


class PetitionMatterSummaryOut(BaseModel):
    code: str
    title: str
    category: str
    division_code: str
    state: MatterState
    state_label: str
    received_at: datetime
    due_at: datetime | None
    warning: bool
    overdue: bool
    petitions: int = Field(description="本事项的信访件数（含重复信访），按事项计一件")


class PetitionMatterOut(PetitionMatterSummaryOut):
    handling_unit: str | None
    bodies: list[str] = Field(description="事项送达过的机关（办理、复查、复核）")
    extended: bool
    extension_reason: str | None
    refusal_reason: str | None
    reply: str | None = Field(description="答复意见书")
    review_opinion: str | None
    recheck_opinion: str | None
    satisfaction_label: str | None = Field(description="群众满意度（满意/基本满意/不满意），未评价为空")
    leader: str | None = Field(description="包案领导")
    linked_cases: list[str]
    steps: list[PetitionStepOut]
    items: list[PetitionItemOut]
    leader_actions: list[PetitionLeaderActionOut]


class PetitionBacklogOut(PetitionMatterSummaryOut):
    age_days: int = Field(description="自登记起的自然日数")
    leader: str | None


class PetitionReceptionOut(BaseModel):
    id: int
    kind: ReceptionKind
    kind_label: str
    leader: str
    division_code: str
    starts_at: datetime
    ends_at: datetime
    place: str
    visitors: int | None
    summary: str | None


class PetitionFigureOut(BaseModel):
    """Figures of one place × category, counted by matter."""

    division_code: str = Field(description="区（6 位）")
    category: str
    matters: int = Field(description="事项数")
    decided: int = Field(description="已作出受理/转送/交办/不予受理决定的事项数")
    decided_on_time: int = Field(description="其中按期（15 日内）决定的")
    replied: int = Field(description="已出具答复意见书的事项数")
    replied_on_time: int = Field(description="其中按期答复的")
    repeated: int = Field(description="有重复信访的事项数")
    open_backlog: int = Field(description="积案：超过积案年限仍待办理（未答复）的事项数")


class PetitionTrackStepOut(BaseModel):
    label: str
    at: datetime


class PetitionTrackOut(BaseModel):
    """What a petitioner sees by code + phone tail: no personal data, no staff names."""

    code: str
    received_at: datetime
    state_label: str
    due_on: date | None = Field(description="当前环节的办理期限（日期）")
    steps: list[PetitionTrackStepOut]
    reply: str | None
    review_opinion: str | None
    recheck_opinion: str | None
    satisfaction_label: str | None = Field(description="已作出的满意度评价")
    may_rate: bool = Field(description="可以对答复意见作出满意度评价")


class SatisfactionIn(Strict):
    """群众满意度 on the 答复, recorded by the office after a 回访 (once)."""

    satisfaction: Satisfaction = Field(
        description="satisfied 满意 / basically_satisfied 基本满意 / unsatisfied 不满意"
    )
    at: fields.Moment | None = Field(default=None, description="回访时间（补录）；默认现在")


class PortalSatisfactionIn(Strict):
    """The petitioner's own rating from the tracking page: the code and phone tail, as for tracking."""

    code: Text = Field(min_length=1, max_length=40)
    phone_tail: Text = Field(min_length=1, max_length=16, description="登记电话号码的后四位")
    satisfaction: Satisfaction


class PetitionRatedOut(BaseModel):
    code: str = Field(description="信访事项编号或信访件编号")
    satisfaction: Satisfaction
    satisfaction_label: str


class PetitionMonthlyFigureOut(BaseModel):
    """One month × district × 信访 office (or a total), counted by matter."""

    month: str = Field(description="月份 YYYY-MM；全年合计为年份")
    division_code: str = Field(description="区（6 位）；合计行为空")
    office: str = Field(description="信访办公室；合计行为“合计”")
    registered: int = Field(description="本月登记的事项数")
    repeated: int = Field(description="其中有重复信访（信访件 ≥ 2）的事项数")
    repeat_rate: float | None = Field(description="重复信访率（按事项）")
    decided: int = Field(description="本月作出受理/转送/交办/不予受理决定的事项数")
    decided_on_time: int = Field(description="其中按期（15 个工作日内）决定的")
    on_time_acceptance_rate: float | None = Field(description="按期受理率")
    replied: int = Field(description="本月出具答复意见书的事项数")
    replied_on_time: int = Field(description="其中按期（含延期）答复的")
    on_time_completion_rate: float | None = Field(description="按期办结率")
    backlog_resolved: int = Field(description="积案化解数：月初已成积案、本月终结的事项数")
    rated: int = Field(description="本月记录满意度的事项数")
    satisfied: int = Field(description="其中满意或基本满意的")
    satisfaction_rate: float | None = Field(description="群众满意率")


class PetitionFiguresOut(BaseModel):
    year: int
    backlog_days: int = Field(description="积案年限（自然日）")
    plan_note: str = Field(description="与“十四五”规划指标的关系")
    rows: list[PetitionMonthlyFigureOut] = Field(description="按月、区、信访办公室")
    months: list[PetitionMonthlyFigureOut] = Field(description="各月合计")
    total: PetitionMonthlyFigureOut = Field(description="全年合计")
