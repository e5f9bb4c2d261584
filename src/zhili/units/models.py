"""Handling units: street offices, district governments and departments, city departments,
utility enterprises and the 12345 centres, each with a parent and a jurisdiction."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhili.db import Base, IdMixin, TimestampMixin


class UnitKind(enum.StrEnum):
    hotline_centre = "center"  # 12345 市/区 热线中心
    street = "street"  # 街道办事处 / 乡镇政府
    district_gov = "district_gov"  # 区政府 (兜底)
    district_dept = "district_dept"  # 区委办局
    city_dept = "city_dept"  # 市委办局
    enterprise = "enterprise"  # 公共服务企业 (水电气热通信)


UNIT_KIND_LABELS = {
    UnitKind.hotline_centre: "热线中心",
    UnitKind.street: "街道/乡镇",
    UnitKind.district_gov: "区政府",
    UnitKind.district_dept: "区级部门",
    UnitKind.city_dept: "市级部门",
    UnitKind.enterprise: "公共服务企业",
}


class Unit(IdMixin, TimestampMixin, Base):
    __tablename__ = "units"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(128), index=True)
    kind: Mapped[UnitKind] = mapped_column(Enum(UnitKind, native_enum=False, length=16), index=True)
    # What sort of unit it is within its kind (城管委, 水务局 ...): routing targets a type.
    unit_type: Mapped[str | None] = mapped_column(String(32), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="RESTRICT"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")

    jurisdiction: Mapped[list[UnitJurisdiction]] = relationship(
        back_populates="unit", lazy="raise", cascade="all, delete-orphan"
    )


class UnitJurisdiction(Base):
    """One division that a unit answers for; a unit may hold several."""

    __tablename__ = "unit_jurisdictions"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), primary_key=True)
    division_code: Mapped[str] = mapped_column(
        ForeignKey("divisions.code", ondelete="RESTRICT"), primary_key=True, index=True
    )

    unit: Mapped[Unit] = relationship(back_populates="jurisdiction", lazy="raise")
