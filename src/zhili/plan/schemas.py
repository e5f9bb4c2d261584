"""Pydantic shapes for entering indicator values and asking for a recomputation."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class ValueIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date = Field(description="统计日期")
    value: float = Field(description="指标值，单位与指标一致")
    evidence: Annotated[str, BeforeValidator(_stripped)] = Field(
        min_length=1, max_length=2000, description="依据：文件名、统计来源或链接"
    )


class RecomputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    as_of: date | None = Field(default=None, description="记为哪一天的值，缺省为今天")


class IndicatorOut(BaseModel):
    """An indicator with its latest value and progress against the straight-line trajectory."""

    code: str
    name: str
    unit: str
    baseline: float | None
    baseline_on: date
    target: float
    comparison: str = Field(description="≥ or ≤, in words")
    deadline: date
    source: str
    method: str = Field(description="computed (由系统计算) or entered (录入)")
    method_label: str
    note: str | None
    value: float | None
    as_of: date | None
    numerator: float | None
    denominator: float | None
    evidence: str | None
    expected: float = Field(description="where the trajectory says the value should be today")
    completion: float | None = Field(description="percent of the way from baseline to target")
    expected_completion: float | None
    status: str = Field(description="已达标, 符合进度, 滞后 or 无数据")


class IndicatorValueOut(BaseModel):
    as_of: date
    value: float
    computed: bool
    evidence: str | None
    recorded_by: str


class IndicatorDetailOut(IndicatorOut):
    history: list[IndicatorValueOut]


class ValueEnteredOut(BaseModel):
    code: str
    as_of: date
    value: float


class RecomputedOut(BaseModel):
    as_of: date
    values: dict[str, float | None] = Field(description="indicator code → computed value (None: no data)")
