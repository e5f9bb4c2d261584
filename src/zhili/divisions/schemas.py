"""JSON shapes of the divisions API: divisions, location resolution and resident population."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from zhili.divisions.models import LEVEL_LABELS, NO_POPULATION, DivisionLevel
from zhili.divisions.records import PopulationRow
from zhili.divisions.repository import DivisionItem, PopulationItem
from zhili.divisions.results import DivisionRef, Location


class DivisionOut(BaseModel):
    code: str = Field(description="国家统计用区划代码（市 2/4 位，区 6 位，街道/乡镇 9 位，社区/村 12 位）")
    name: str
    level: DivisionLevel
    level_label: str = Field(description="级别中文名")
    parent_code: str | None
    child_count: int = Field(description="直接下级的数量")
    center: tuple[float, float] | None = Field(default=None, description="中心点 [经度, 纬度]")

    @classmethod
    def of(cls, item: DivisionItem) -> DivisionOut:
        center = (
            (item.center_lng, item.center_lat)
            if item.center_lng is not None and item.center_lat is not None
            else None
        )
        return cls(
            code=item.code,
            name=item.name,
            level=item.level,
            level_label=LEVEL_LABELS[item.level],
            parent_code=item.parent_code,
            child_count=item.child_count,
            center=center,
        )


class DivisionDetailOut(DivisionOut):
    ancestors: list[DivisionOut] = Field(default_factory=list, description="从市到上级的区划链")


class DivisionRefOut(BaseModel):
    code: str
    name: str
    level: DivisionLevel
    path: str = Field(description="从区到本级的名称，如 朝阳区/八里庄街道")

    @classmethod
    def of(cls, ref: DivisionRef | None) -> DivisionRefOut | None:
        if ref is None:
            return None
        return cls(code=ref.code, name=ref.name, level=ref.level, path=ref.path)


class ResolveOut(BaseModel):
    source: str = Field(description="coordinates / address / both")
    district: DivisionRefOut | None
    street: DivisionRefOut | None
    community: DivisionRefOut | None
    cell: str | None = Field(description="H3 网格单元（仅当提供经纬度时）")
    confidence: float = Field(ge=0, le=1, description="对最细一级结果的置信度")
    candidates: list[DivisionRefOut] = Field(description="地址有歧义时的候选区划")
    matched: list[str] = Field(description="地址中识别出的名称")
    conflict: bool = Field(description="地址中的区与坐标所在区不一致（以坐标为准）")

    @classmethod
    def of(cls, location: Location) -> ResolveOut:
        return cls(
            source=location.source.value,
            district=DivisionRefOut.of(location.district),
            street=DivisionRefOut.of(location.street),
            community=DivisionRefOut.of(location.community),
            cell=location.cell,
            confidence=location.confidence,
            candidates=[out for ref in location.candidates if (out := DivisionRefOut.of(ref))],
            matched=list(location.matched),
            conflict=location.conflict,
        )


class DivisionPopulationIn(BaseModel):
    year: int = Field(description="统计年份，如 2020（第七次全国人口普查）")
    residents: int = Field(description="常住人口（人）")
    source: str = Field(max_length=200, description="数据来源，如 北京市第七次全国人口普查公报（第二号）")

    def row(self, code: str) -> PopulationRow:
        return PopulationRow(code=code, year=self.year, residents=self.residents, source=self.source)


class PopulationRowIn(DivisionPopulationIn):
    code: str = Field(max_length=12, description="区划代码（市、区或街道/乡镇）")


class PopulationBatchIn(BaseModel):
    rows: list[PopulationRowIn] = Field(min_length=1, max_length=5000, description="全部通过校验才写入")


class PopulationReportOut(BaseModel):
    added: int = Field(description="新增的数")
    changed: int = Field(description="改动的数（同一区划同一年份已有不同的数）")
    unchanged: int = Field(description="与已有的数相同，未写入")


class PopulationOut(BaseModel):
    code: str
    name: str
    level: DivisionLevel
    level_label: str
    year: int | None = Field(description="最新一年（或不晚于所查年份的最新一年）；无数据时为空")
    residents: int | None = Field(description="常住人口（人）")
    source: str | None
    recorded_by: str | None
    recorded_at: datetime | None
    note: str | None = Field(description="无数据时为“无人口数据”")

    @classmethod
    def of(cls, item: DivisionItem, figure: PopulationItem | None) -> PopulationOut:
        return cls(
            code=item.code,
            name=item.name,
            level=item.level,
            level_label=LEVEL_LABELS[item.level],
            year=figure.year if figure else None,
            residents=figure.residents if figure else None,
            source=figure.source if figure else None,
            recorded_by=figure.recorded_by if figure else None,
            recorded_at=figure.recorded_at if figure else None,
            note=None if figure else NO_POPULATION,
        )
