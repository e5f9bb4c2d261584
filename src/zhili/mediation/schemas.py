"""Pydantic shapes for 矛盾纠纷多元化解: registration and steps in; disputes, registry and figures out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from zhili.kernel import fields
from zhili.mediation.states import Confirmation, DisputeKind, DisputeSource, DisputeState, NextPath, Track


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[fields.CleanText, BeforeValidator(_stripped)]
OptText = Annotated[fields.CleanText | None, BeforeValidator(_stripped)]
DivisionCode = Annotated[str, BeforeValidator(_stripped), Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$")]
CaseCode = Annotated[str, BeforeValidator(_stripped), Field(min_length=1, max_length=24)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PartyIn(Strict):
    role: Literal["申请人", "被申请人", "当事人"] = "当事人"
    name: Text = Field(min_length=1, max_length=64)
    phone: OptText = Field(default=None, max_length=32, pattern=r"^[0-9+\- ]{5,32}$")
    id_number: OptText = Field(default=None, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")
    address: OptText = Field(default=None, max_length=300)


class DisputeIn(Strict):
    """A dispute to register. From a grid event give ``field_event_id``; from 12345 the case codes."""

    kind: DisputeKind
    source: DisputeSource
    title: Text = Field(min_length=1, max_length=200)
    facts: Text = Field(min_length=1, max_length=5000, description="纠纷简要事实")
    division_code: DivisionCode | None = Field(default=None, description="纠纷发生地（社区或街道编码）")
    place: OptText = Field(default=None, max_length=200, description="具体地点（小区、楼栋）")
    referring_body: OptText = Field(default=None, max_length=100, description="委派的法院或移送的部门")
    parties: list[PartyIn] = Field(min_length=2, max_length=10)
    case_codes: list[CaseCode] = Field(default_factory=list, max_length=10, description="关联的 12345 诉求")
    field_event_id: fields.Id | None = Field(default=None, description="网格巡查事件编号")
    received_at: fields.Moment | None = None


class DisputeStepIn(Strict):
    """One step. Which fields count depends on the step (see docs/mediation.md)."""

    track: Track | None = Field(default=None, description="分流时人工指定的调解类型（默认按分流规则）")
    committee_id: fields.Id | None = None
    mediator_id: fields.Id | None = None
    at: fields.Moment | None = Field(default=None, description="实际发生时间（补录）；默认现在")
    place: OptText = Field(default=None, max_length=200)
    attendees: list[Annotated[int, Field(ge=1, le=10)]] = Field(default_factory=list, max_length=10)
    notes: OptText = Field(default=None, max_length=10000)
    terms: OptText = Field(default=None, max_length=10000, description="调解协议内容")
    performance_due: date | None = Field(default=None, description="履行期限")
    performance_method: OptText = Field(default=None, max_length=200)
    next_path: NextPath | None = None
    court: OptText = Field(default=None, max_length=100)
    confirmed: bool | None = None
    performed: bool | None = None


class CommitteeIn(Strict):
    name: Text = Field(min_length=2, max_length=100)
    track: Track
    division_code: DivisionCode


class CommitteeUpdateIn(CommitteeIn):
    """A committee as edited: the same fields, and whether it still takes disputes."""

    active: bool = True


class MediatorIn(Strict):
    committee_id: fields.Id
    name: Text = Field(min_length=1, max_length=64)
    specialties: list[DisputeKind] = Field(min_length=1, max_length=7)
    area: DivisionCode
    username: OptText = Field(default=None, max_length=64)


class MediatorUpdateIn(MediatorIn):
    """A mediator as edited: the same fields (no ``username`` unlinks the account), and active."""

    active: bool = True


class RoutingRuleIn(Strict):
    priority: int = Field(ge=1, le=10000)
    kind: DisputeKind | None = None
    source: DisputeSource | None = None
    track: Track
    note: OptText = Field(default=None, max_length=200)
    active: bool = True


class DisputeRegisteredOut(BaseModel):
    code: str
    state: DisputeState
    state_label: str
    linked_cases: list[str]


class DisputePartyOut(BaseModel):
    position: int
    role: str
    name: str | None
    phone: str | None
    id_number: str | None
    address: str | None
    shown: Literal["full", "masked"]


class DisputeSessionOut(BaseModel):
    at: datetime
    place: str
    mediator: str | None
    attendees: list[int]
    notes: str


class DisputeStepOut(BaseModel):
    action: str
    label: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    note: str | None


class DisputeSummaryOut(BaseModel):
    code: str
    kind: DisputeKind
    kind_label: str
    source: DisputeSource
    source_label: str
    title: str
    division_code: str
    place: str | None = None
    state: DisputeState
    state_label: str
    track: Track | None
    track_label: str | None
    committee: str | None
    mediator: str | None
    received_at: datetime


class DisputeOut(DisputeSummaryOut):
    facts: str
    referring_body: str | None
    parties: list[DisputePartyOut]
    sessions: list[DisputeSessionOut]
    steps: list[DisputeStepOut]
    linked_cases: list[str]
    outcome: str | None
    agreement_terms: str | None
    performance_due: date | None
    performance_method: str | None
    failure_reason: str | None
    next_path: NextPath | None
    next_path_label: str | None
    returned_to_court: bool
    confirmation: Confirmation
    confirmation_label: str
    performed: bool | None
    follow_up_note: str | None


class CommitteeOut(BaseModel):
    id: int
    name: str
    track: Track
    track_label: str
    division_code: str
    active: bool = True


class MediatorOut(BaseModel):
    id: int
    committee_id: int
    committee: str
    name: str
    specialties: list[DisputeKind]
    area: str
    load: int = Field(description="在办纠纷数")
    active: bool = True


class RoutingRuleOut(BaseModel):
    id: int
    priority: int
    kind: DisputeKind | None
    source: DisputeSource | None
    track: Track
    track_label: str
    note: str | None
    active: bool


class MediationFigureOut(BaseModel):
    division_code: str = Field(description="街道或区编码")
    disputes: int
    concluded: int = Field(description="调解终结数（成功+不成）")
    succeeded: int
    success_rate: float | None = Field(description="调解成功率")
    followed_up: int
    performed: int
    performance_rate: float | None = Field(description="协议履行率")
    confirmed: int = Field(description="司法确认数")


CommunityCode = Annotated[str, BeforeValidator(_stripped), Field(pattern=r"^\d{12}$")]
Phone = Annotated[fields.CleanText, BeforeValidator(_stripped), Field(pattern=r"^[0-9+\- ]{5,32}$")]


class ApplicationIn(Strict):
    """A citizen's application for mediation from the portal: the phone is required (tracking)."""

    kind: DisputeKind
    address: Text = Field(
        min_length=4,
        max_length=200,
        description="纠纷发生地址（区、街道、小区、楼栋），据此转交当地人民调解委员会",
    )
    facts: Text = Field(min_length=5, max_length=5000, description="纠纷经过和请求")
    name: Text = Field(min_length=1, max_length=64, description="申请人姓名")
    phone: Phone = Field(max_length=32, description="申请人手机号码")
    id_number: OptText = Field(default=None, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$")
    other_name: Text = Field(min_length=1, max_length=64, description="对方当事人姓名或名称")
    other_phone: OptText = Field(default=None, max_length=32, pattern=r"^[0-9+\- ]{5,32}$")


class ApplicationTrackOut(BaseModel):
    code: str
    kind_label: str
    state_label: str
    committee: str | None
    received_at: datetime
    steps: list[tuple[datetime, str]]


class FindingIn(Strict):
    kind: DisputeKind
    place: OptText = Field(default=None, max_length=200, description="地点（小区、楼栋）")
    description: Text = Field(min_length=2, max_length=2000, description="发现的矛盾纠纷")


class RoundIn(Strict):
    """One 矛盾纠纷排查 round of a community: who checked, when, what was found."""

    division_code: CommunityCode = Field(description="排查的社区（12 位编码）")
    checked_on: date = Field(description="排查日期")
    checkers: Text = Field(min_length=1, max_length=200, description="排查人员")
    summary: OptText = Field(default=None, max_length=2000, description="排查情况小结")
    findings: list[FindingIn] = Field(default_factory=list, max_length=30)


class FindingDisputeIn(Strict):
    """Register a finding as a dispute: its kind, place and description come from the finding."""

    title: OptText = Field(default=None, max_length=200)
    parties: list[PartyIn] = Field(min_length=2, max_length=10)


class FindingOut(BaseModel):
    position: int
    kind: DisputeKind
    kind_label: str
    place: str | None
    description: str
    dispute_code: str | None


class RoundOut(BaseModel):
    id: int
    division_code: str
    checked_on: date
    checkers: str
    summary: str | None
    created_by: str
    findings: list[FindingOut]


class ClusterWarningOut(BaseModel):
    community: str = Field(description="社区编码")
    community_label: str | None
    window_start: date
    window_end: date
    observed: int = Field(description="窗口内纠纷与相关 12345 诉求数")
    disputes: int
    demands: int
    expected: float
    p_value: float
    q_value: float
    places: list[str] = Field(description="集中的小区、楼栋")


class CoverageOut(BaseModel):
    division_code: str = Field(description="统计范围（区划编码前缀）")
    streets: int
    streets_covered: int = Field(description="设有人民调解委员会的街道（乡镇）数")
    street_coverage: float | None
    communities: int
    communities_covered: int = Field(description="设有人民调解委员会的社区（村）数")
    community_coverage: float | None
