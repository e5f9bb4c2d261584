"""Pydantic shapes of the triage API: routing rules, recommendations, the queue and reply checks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _stripped(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    return value


Opt = Annotated[str | None, BeforeValidator(_stripped)]


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, BeforeValidator(_stripped)] = Field(min_length=1, max_length=64)
    category_prefix: Opt = Field(default=None, max_length=16, description="分类编码（含下级）；空为任意")
    division_prefix: Opt = Field(default=None, max_length=12, description="区划编码（含下级）；空为任意")
    demand_type: Opt = Field(default=None, max_length=16, description="诉求类型代码；空为任意")
    lead_unit: Opt = Field(default=None, max_length=32, description="主办单位编码")
    lead_unit_type: Opt = Field(default=None, max_length=32, description="或主办单位类型，按属地解析")
    co_units: list[str] = Field(default_factory=list, max_length=10, description="协办单位编码")
    priority: int = Field(default=0, ge=-1000, le=1000)
    active: bool = True
    note: Opt = Field(default=None, max_length=2000)


class RuleOut(BaseModel):
    id: int
    name: str
    category_prefix: str | None
    division_prefix: str | None
    demand_type: str | None
    lead_unit: str | None
    lead_unit_type: str | None
    co_units: list[str]
    priority: int
    active: bool
    note: str | None
    updated_by: str
    updated_at: datetime | None


class KnowledgeSuggestionOut(BaseModel):
    id: int
    question: str
    score: float


class CategoryGuessOut(BaseModel):
    label: str = Field(description="the classifier's label (a first-level name or a category code)")
    category: str | None = Field(description="the category code it stands for")
    probability: float


class DemandTypeGuessOut(BaseModel):
    label: str
    probability: float


class MatchedRuleOut(BaseModel):
    id: int
    name: str
    priority: int
    applied: bool = Field(description="the rule that decided the route")


class ExplanationOut(BaseModel):
    keywords: list[str] = Field(description="the n-grams or taxonomy keywords that decided the category")
    category_source: str = Field(description="intake (the operator chose it) or model")
    route: str = Field(description="why this unit, in words")


class DuplicateOut(BaseModel):
    """An earlier open case nearby with similar text, found at intake."""

    code: str
    similarity: float = Field(description="cosine of the text sketches, 0–1")
    proposal: str = Field(description="merge, link, or repeat (the same citizen)")
    same_cell: bool
    same_community: bool
    same_citizen: bool
    received_at: datetime


class RecommendationOut(BaseModel):
    case: str
    model_version: str
    categories: list[CategoryGuessOut]
    category: str | None
    demand_types: list[DemandTypeGuessOut]
    confidence: float
    lead_unit: str | None
    co_units: list[str]
    dispatch_mode: str
    matched_rules: list[MatchedRuleOut]
    explanation: ExplanationOut
    duplicates: list[DuplicateOut]
    knowledge: list[KnowledgeSuggestionOut]
    needs_review: bool
    status: str
    decided_by: str | None
    decided_at: datetime | None
    created_at: datetime


class QueueItem(BaseModel):
    case: str
    title: str
    received_at: datetime
    confidence: float
    category: str | None
    lead_unit: str | None
    duplicates: int


class QueuePage(BaseModel):
    total: int
    items: list[QueueItem]


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    note: Opt = Field(default=None, max_length=2000)


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int | None = None
    category: Opt = Field(default=None, max_length=16, description="改正后的分类编码")
    lead_unit: Annotated[str, BeforeValidator(_stripped)] = Field(min_length=1, max_length=32)
    co_units: list[str] = Field(default_factory=list, max_length=10)
    reason: Opt = Field(default=None, max_length=2000)


class ReplyCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    demand: Annotated[str, BeforeValidator(_stripped)] = Field(min_length=1, max_length=5000)
    reply: Annotated[str, BeforeValidator(_stripped)] = Field(min_length=1, max_length=5000)


class ReplyScoreOut(BaseModel):
    score: int = Field(description="0–100")
    relevance: float
    completeness: float
    explanation: float
    weak: bool
    hints: list[str]
    matched_keywords: list[str]
    missing_keywords: list[str]


class RateRowOut(BaseModel):
    code: str | None = Field(description="the suggested category or unit code (none: no suggestion)")
    name: str = Field(description="its Chinese name")
    decisions: int = Field(description="suggestions a dispatcher decided on")
    overrides: int = Field(description="of those, dispatched otherwise (改派)")
    rate: float = Field(description="overrides / decisions, 0–1")


class OverrideReportOut(BaseModel):
    since: date | None
    until: date | None
    decisions: int
    overrides: int
    rate: float
    auto_dispatched: int = Field(description="dispatched automatically in the period (not in the rates)")
    by_category: list[RateRowOut]
    by_unit: list[RateRowOut]


class PrecisionOut(BaseModel):
    threshold: float
    decisions: int = Field(description="decided suggestions at or above the threshold")
    accepted: int
    precision: float | None = Field(description="accepted / decisions; none without decisions")


class AutoDispatchOut(BaseModel):
    enabled: bool
    threshold: float
    measured: PrecisionOut = Field(description="the measured precision at the threshold")
    curve: list[PrecisionOut] = Field(description="the same at other thresholds, to choose from")
    updated_by: str | None
    updated_at: datetime | None


class AutoDispatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool
    threshold: float = Field(ge=0, le=1, description="置信度阈值，0–1")
