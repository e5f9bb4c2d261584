"""Pydantic shapes for patrols, field events and 核查."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field

from zhili.cases.schemas import TypeField, UrgencyField
from zhili.grid.cells.schemas import Cell, OptText, Strict, Text
from zhili.grid.patrols.models import VerificationResult
from zhili.taxonomy.enums import DemandType, Urgency


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
