"""Pydantic shapes for grid management."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from zhili.cases.schemas import TypeField, UrgencyField
from zhili.grid.models import VerificationResult
from zhili.taxonomy.enums import DemandType, Urgency


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
OptText = Annotated[str | None, BeforeValidator(_stripped)]
Cell = Annotated[str, Field(min_length=15, max_length=16, pattern=r"^[0-9a-f]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CellCommunityIn(Strict):
    community_code: Text = Field(pattern=r"^\d{12}$")


class CellWorkerIn(Strict):
    username: Text = Field(min_length=1, max_length=64)


class PatrolPlanIn(Strict):
    title: Text = Field(min_length=1, max_length=200)
    cells: list[Cell] = Field(min_length=1, max_length=200)
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(min_length=1, max_length=7)
    starts_on: date
    ends_on: date | None = None


class PatrolStartIn(Strict):
    plan_id: int | None = None


class PatrolEndIn(Strict):
    cells: list[Cell] = Field(default_factory=list, max_length=500)
    note: OptText = Field(default=None, max_length=2000)


class EventIn(BaseModel):
    """A field event; sent as a multipart form together with up to three photos."""

    title: Text = Field(min_length=1, max_length=200)
    description: Text = Field(min_length=1, max_length=5000)
    lat: float = Field(ge=-90, le=90)
    lng: float = Field(ge=-180, le=180)
    address: OptText = Field(default=None, max_length=300)
    category: OptText = Field(default=None, max_length=16)
    demand_type: TypeField = DemandType.report
    urgency: UrgencyField = Urgency.ordinary
    patrol_id: int | None = None


class VerificationIn(Strict):
    case_code: Text = Field(min_length=1, max_length=24)
    instructions: OptText = Field(default=None, max_length=2000)


class VerificationResultIn(Strict):
    result: VerificationResult
    note: Text = Field(min_length=1, max_length=2000)
    at: datetime | None = None
