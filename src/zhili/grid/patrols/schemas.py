"""Pydantic shapes for patrols, field events, 核查 and the per-cell figures."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer, WithJsonSchema

from zhili.cases.schemas import TypeField, UrgencyField
from zhili.grid.cells.schemas import Cell, OptText, Strict, Text
from zhili.grid.patrols.models import TaskStatus, VerificationResult
from zhili.kernel import fields
from zhili.taxonomy.enums import DemandType, Urgency

# Patrol times in the lists go out as Python's isoformat ("...+00:00"), as they always have.
IsoDateTime = Annotated[
    datetime,
    PlainSerializer(datetime.isoformat, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


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
    at: fields.Moment | None = None


class PatrolPlanCreatedOut(BaseModel):
    id: int
    title: str
    cells: list[str] = Field(description="计划巡查的网格")
    weekdays: str = Field(description="巡查日（ISO 星期，1 为周一），逗号分隔，如 1,3,5")


class PatrolPlanOut(PatrolPlanCreatedOut):
    starts_on: date
    ends_on: date | None = Field(description="结束日期；长期计划为空")


class PatrolStartedOut(BaseModel):
    id: int
    started_at: IsoDateTime


class PatrolEndedOut(BaseModel):
    id: int
    cells: list[str] = Field(description="本次巡查走过的网格")
    ended_at: datetime


class PatrolOut(BaseModel):
    id: int
    plan_id: int | None = Field(description="所依据的巡查计划；临时巡查为空")
    started_at: IsoDateTime
    ended_at: IsoDateTime | None = Field(description="结束时间；巡查尚未结束时为空")
    cells: list[str] = Field(description="本次巡查走过的网格（结束时填写）")
    note: str | None = Field(description="巡查情况说明")


class FieldEventOut(BaseModel):
    event_id: int
    case_code: str = Field(description="由该事件生成的诉求编号（渠道：网格巡查）")
    cell: str = Field(description="事件所在网格")
    photos: int = Field(description="随事件上传的照片张数")
    community_code: str | None = Field(description="诉求所属社区；无法确定时为空")


class VerificationTaskOut(BaseModel):
    id: int
    case_code: str = Field(description="要核查的诉求编号")
    cell: str = Field(description="诉求所在网格")
    assignee_id: int = Field(description="承担核查的网格员用户 ID")
    instructions: str | None = Field(description="核查要求")
    status: TaskStatus = Field(description="pending（待核查）或 done（已完成）")
    result: VerificationResult | None = Field(description="核查结果；未完成时为空")
    result_label: str | None = Field(description="核查结果的中文名称，如 情况属实")
    result_note: str | None = Field(description="网格员填写的核查说明")


class CellFiguresOut(BaseModel):
    """One grid cell's events found on patrol against complaints received through other channels."""

    cell: str
    community_code: str | None
    found: int = Field(description="巡查发现的事件数")
    received: int = Field(description="经其他渠道收到的诉求数")
