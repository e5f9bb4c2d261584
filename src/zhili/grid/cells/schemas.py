"""Pydantic shapes for cells and their edits, and the field types every grid form shares."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from zhili.grid.cells.models import AssignedBy


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


class GridCellOut(BaseModel):
    cell: str = Field(description="网格编号（H3）")
    district_code: str
    community_code: str | None = Field(description="所属社区编码；尚未划入社区时为空")
    assigned_by: AssignedBy = Field(
        description="generated（按规则生成）或 manual（手工划入，重新生成时保留）"
    )
    lat: float = Field(description="网格中心纬度")
    lng: float = Field(description="网格中心经度")
    worker_id: int | None = Field(description="负责该网格的网格员用户 ID；未指派时为空")


class GridCellPage(BaseModel):
    total: int = Field(description="符合条件的网格总数，不受分页影响")
    items: list[GridCellOut]


class CellWorkerOut(BaseModel):
    cell: str
    worker_id: int = Field(description="负责该网格的网格员用户 ID")
