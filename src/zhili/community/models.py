"""Community base data (一库), verified residents, social organisations and street hubs.

The 议事厅 and volunteer tables live in ``hall_models`` and ``volunteer_models``; they are imported at
the end so that loading this module registers every community table.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Boolean, Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin, TimestampMixin

# The plan's minimum service space per community, and the minimum for new estates (m²).
MIN_SERVICE_SPACE_M2 = 350.0
MIN_SERVICE_SPACE_NEW_ESTATE_M2 = 500.0


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24)


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


class OrgType(enum.StrEnum):
    trade = "trade"
    community = "community"
    social_service = "social_service"
    charity = "charity"
    other = "other"


ORG_TYPE_LABELS = {
    OrgType.trade: "行业协会商会",
    OrgType.community: "社区类",
    OrgType.social_service: "社会服务类",
    OrgType.charity: "公益慈善类",
    OrgType.other: "其他",
}
# The four types the plan favours (优先发展), to be at least 75% of all social organisations.
FAVOURED_TYPES = frozenset({OrgType.trade, OrgType.community, OrgType.social_service, OrgType.charity})


class SocialOrganisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "community_social_orgs"

    name: Mapped[str] = mapped_column(String(128), unique=True)
    org_type: Mapped[OrgType] = mapped_column(_enum(OrgType), index=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    registered_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(64))


class HubKind(enum.StrEnum):
    incubation = "incubation"
    federation = "federation"


HUB_KIND_LABELS = {HubKind.incubation: "社会组织孵化服务机构", HubKind.federation: "社会组织联合会"}


class StreetHub(IdMixin, TimestampMixin, Base):
    """A street's incubation centre or its federation (联合会): at most one of each per street."""

    __tablename__ = "community_street_hubs"
    __table_args__ = (UniqueConstraint("kind", "street_code", name="uq_community_street_hubs_kind_street"),)

    kind: Mapped[HubKind] = mapped_column(_enum(HubKind))
    street_code: Mapped[str] = mapped_column(ForeignKey("divisions.code", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(128))
    established_on: Mapped[date | None]
    created_by: Mapped[str] = mapped_column(String(64))


from zhili.community import hall_models, volunteer_models  # noqa: E402, F401
