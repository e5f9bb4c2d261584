"""Social organisations by type, and the street hubs: an incubation centre and a federation per street."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin, TimestampMixin


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=24)


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
