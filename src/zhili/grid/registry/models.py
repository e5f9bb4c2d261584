"""The registries of 地 (buildings, public spaces), 物 (facilities with state), 组织 and 人.

人 is kept as aggregate counts per community. Person-level records exist only when a community
opts in; their names and phones are encrypted and every write and read is audited.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin
from zhili.grid.cells.models import enum_column


class PlaceKind(enum.StrEnum):
    building = "building"
    public_space = "public_space"


PLACE_LABELS = {PlaceKind.building: "建筑/楼栋", PlaceKind.public_space: "公共空间"}


class FacilityKind(enum.StrEnum):
    elevator = "elevator"
    manhole = "manhole"
    street_light = "street_light"


FACILITY_LABELS = {
    FacilityKind.elevator: "电梯",
    FacilityKind.manhole: "井盖",
    FacilityKind.street_light: "路灯",
}


class FacilityState(enum.StrEnum):
    normal = "normal"
    faulty = "faulty"
    repairing = "repairing"
    retired = "retired"


STATE_LABELS = {
    FacilityState.normal: "正常",
    FacilityState.faulty: "故障",
    FacilityState.repairing: "维修中",
    FacilityState.retired: "停用",
}


class Place(IdMixin, Base):
    __tablename__ = "grid_places"

    kind: Mapped[PlaceKind] = mapped_column(enum_column(PlaceKind), index=True)
    name: Mapped[str] = mapped_column(String(128))
    address: Mapped[str | None] = mapped_column(String(300))
    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    cell: Mapped[str | None] = mapped_column(String(16), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(64))


class Facility(IdMixin, Base):
    __tablename__ = "grid_facilities"

    kind: Mapped[FacilityKind] = mapped_column(enum_column(FacilityKind), index=True)
    label: Mapped[str] = mapped_column(String(64))
    state: Mapped[FacilityState] = mapped_column(enum_column(FacilityState), index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("grid_places.id", ondelete="SET NULL"))
    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    cell: Mapped[str | None] = mapped_column(String(16), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    checked_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))


class GridOrganisation(IdMixin, Base):
    """An organisation present in the grid (企业, 单位, 社会组织, 商户)."""

    __tablename__ = "grid_organisations"

    name: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    cell: Mapped[str | None] = mapped_column(String(16), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    created_by: Mapped[str] = mapped_column(String(64))


class PopulationCount(IdMixin, Base):
    """人, by default: how many people of a group live in a community (no one is named)."""

    __tablename__ = "grid_population_counts"
    __table_args__ = (UniqueConstraint("community_code", "group", name="uq_grid_population_counts_group"),)

    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    group: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer)
    as_of: Mapped[date]
    updated_by: Mapped[str] = mapped_column(String(64))


class PersonRecord(IdMixin, Base):
    """A named person in a special-care group, kept only with consent; encrypted and audited."""

    __tablename__ = "grid_person_records"

    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    group: Mapped[str] = mapped_column(String(32))
    name_enc: Mapped[str] = mapped_column(String(255))
    phone_enc: Mapped[str | None] = mapped_column(String(255))
    consent: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
