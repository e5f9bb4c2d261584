"""Division rows keyed by their national statistical code.

Codes are prefix-hierarchical (city ``11``, district ``110105``, street ``110105010``,
community ``110105010001``), so "inside" is a prefix test both in Python and in SQL.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin


class DivisionLevel(enum.StrEnum):
    city = "city"
    district = "district"
    street = "street"
    community = "community"


LEVEL_LABELS = {
    DivisionLevel.city: "市",
    DivisionLevel.district: "区",
    DivisionLevel.street: "街道/乡镇",
    DivisionLevel.community: "社区/村",
}

# Shown where a division has no resident population recorded (so no per-10,000 figures).
NO_POPULATION = "无人口数据"

CHILD_LEVEL = {
    DivisionLevel.city: DivisionLevel.district,
    DivisionLevel.district: DivisionLevel.street,
    DivisionLevel.street: DivisionLevel.community,
}


class Division(Base):
    __tablename__ = "divisions"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[DivisionLevel] = mapped_column(
        Enum(DivisionLevel, native_enum=False, length=16), index=True
    )
    parent_code: Mapped[str | None] = mapped_column(
        ForeignKey("divisions.code", ondelete="RESTRICT"), index=True
    )
    # Centre point (lng, lat) where known, and the boundary as GeoJSON geometry text.
    center_lng: Mapped[float | None]
    center_lat: Mapped[float | None]
    boundary_geojson: Mapped[str | None] = mapped_column(Text, deferred=True)


class DivisionPopulation(IdMixin, Base):
    """常住人口 (resident population) of a division in one year, with where the number comes from.

    The per-10,000-resident figures of the analytics views divide by the latest year of a division.
    """

    __tablename__ = "division_populations"
    __table_args__ = (UniqueConstraint("division_code", "year"),)

    division_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"))
    year: Mapped[int]
    residents: Mapped[int]
    source: Mapped[str] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[datetime]
