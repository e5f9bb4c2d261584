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
