"""Pydantic shapes for the 地/物/组织/人 registries."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from zhili.grid.cells.schemas import OptText, Strict, Text
from zhili.grid.registry.models import FacilityKind, FacilityState, PlaceKind

Community = Annotated[str, Field(pattern=r"^\d{12}$")]
# Aggregate groups of 人 (counts only).
POPULATION_GROUPS = (
    "households",
    "residents",
    "elderly_80",
    "living_alone_elderly",
    "disabled",
    "low_income",
    "special_care",
    "floating",
)


class PlaceIn(Strict):
    kind: PlaceKind
    name: Text = Field(min_length=1, max_length=128)
    address: OptText = Field(default=None, max_length=300)
    community_code: Community
    cell: OptText = Field(default=None, max_length=16)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


class FacilityIn(Strict):
    kind: FacilityKind
    label: Text = Field(min_length=1, max_length=64, description="编号或名称，如 3号楼1单元电梯")
    state: FacilityState = FacilityState.normal
    place_id: int | None = None
    community_code: Community
    cell: OptText = Field(default=None, max_length=16)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)


class FacilityStateIn(Strict):
    state: FacilityState


class OrganisationIn(Strict):
    name: Text = Field(min_length=1, max_length=128)
    kind: Text = Field(min_length=1, max_length=32, description="企业、单位、社会组织、商户……")
    community_code: Community
    cell: OptText = Field(default=None, max_length=16)
    address: OptText = Field(default=None, max_length=300)


class PopulationCountIn(Strict):
    community_code: Community
    group: Text = Field(pattern="^(" + "|".join(POPULATION_GROUPS) + ")$")
    count: int = Field(ge=0, le=1_000_000)
    as_of: date | None = None


class PersonIn(Strict):
    community_code: Community
    group: Text = Field(pattern="^(" + "|".join(POPULATION_GROUPS) + ")$")
    name: Text = Field(min_length=1, max_length=50)
    phone: OptText = Field(default=None, max_length=20)
    consent: Text = Field(min_length=4, max_length=500, description="本人同意登记的记录（时间、方式）")


class PlaceCreatedOut(BaseModel):
    id: int
    kind: PlaceKind = Field(description="building（建筑/楼栋）或 public_space（公共空间）")
    name: str
    community_code: str


class PlaceOut(BaseModel):
    id: int
    kind: PlaceKind = Field(description="building（建筑/楼栋）或 public_space（公共空间）")
    name: str
    address: str | None
    cell: str | None = Field(description="所在网格")


class FacilityOut(BaseModel):
    id: int
    kind: FacilityKind
    kind_label: str = Field(description="设施类型的中文名称，如 电梯")
    label: str = Field(description="编号或名称，如 3号楼1单元电梯")
    state: FacilityState
    state_label: str = Field(description="状态的中文名称，如 故障")
    community_code: str
    cell: str | None = Field(description="所在网格")
    place_id: int | None = Field(description="所属建筑/场所")


class GridOrganisationOut(BaseModel):
    id: int
    name: str
    kind: str = Field(description="企业、单位、社会组织、商户……")
    community_code: str


class PopulationCountOut(BaseModel):
    community_code: str
    group: str = Field(description="人群分组，如 elderly_80（80 岁以上老人）")
    count: int = Field(description="人数（或户数）")
    as_of: date = Field(description="统计日期")


class PersonRecordCreatedOut(BaseModel):
    id: int
    group: str = Field(description="人群分组，如 disabled")


class PersonRecordOut(PersonRecordCreatedOut):
    name: str | None = Field(description="姓名，已脱敏")
    consent: str = Field(description="本人同意登记的记录（时间、方式）")
