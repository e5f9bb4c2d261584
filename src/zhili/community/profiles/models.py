"""Community base data (一库) and verified residents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin, TimestampMixin

# The plan's minimum service space per community, and the minimum for new estates (m²).
MIN_SERVICE_SPACE_M2 = 350.0
MIN_SERVICE_SPACE_NEW_ESTATE_M2 = 500.0


class CommunityProfile(IdMixin, TimestampMixin, Base):
    """One community's base data: population, space, committees, property-service coverage."""

    __tablename__ = "community_profiles"

    community_code: Mapped[str] = mapped_column(
        ForeignKey("divisions.code", ondelete="RESTRICT"), unique=True
    )
    street_code: Mapped[str] = mapped_column(String(12), index=True)
    population: Mapped[int] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)
    service_space_m2: Mapped[float] = mapped_column(Float)
    new_estate: Mapped[bool] = mapped_column(Boolean, default=False)
    # JSON list of facility names (社区服务站, 养老驿站, ...).
    facilities: Mapped[str] = mapped_column(Text, default="[]")
    has_owners_committee: Mapped[bool] = mapped_column(Boolean, default=False)
    # Share of the community's households served by a property-service company, 0..1.
    property_coverage: Mapped[float] = mapped_column(Float, default=0.0)
    updated_by: Mapped[str] = mapped_column(String(64))


class Resident(IdMixin, Base):
    """A verified resident, who may support proposals and vote once. Name is encrypted; the ID
    number is kept only as a keyed digest, so one person is registered once per community."""

    __tablename__ = "community_residents"
    __table_args__ = (UniqueConstraint("community_code", "id_digest", name="uq_community_residents_person"),)

    community_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    zone: Mapped[str | None] = mapped_column(String(64))
    name_enc: Mapped[str | None] = mapped_column(String(255))
    id_digest: Mapped[str] = mapped_column(String(40))
    verified_by: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime]
