"""JSON shapes of the divisions API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from zhili.divisions.models import LEVEL_LABELS, DivisionLevel
from zhili.divisions.repository import DivisionItem
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
