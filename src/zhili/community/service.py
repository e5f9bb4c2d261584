"""Community profiles (一库), verified residents, social organisations and street hubs."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.community.access import check_writable, division_at
from zhili.community.models import (
    CommunityProfile,
    HubKind,
    OrgType,
    Resident,
    SocialOrganisation,
    StreetHub,
)
from zhili.community.schemas import ProfileIn
from zhili.divisions.models import DivisionLevel
from zhili.errors import Conflict
from zhili.kernel.clock import utcnow
from zhili.kernel.crypto import PersonalDataCipher


def save_profile(session: Session, actor: Actor, community_code: str, body: ProfileIn) -> CommunityProfile:
    community = division_at(session, community_code, DivisionLevel.community, field="community_code")
    check_writable(actor, community_code)
    profile = session.execute(
        select(CommunityProfile).where(CommunityProfile.community_code == community_code)
    ).scalar_one_or_none()
    created = profile is None
    if profile is None:
        profile = CommunityProfile(community_code=community_code, street_code=community.parent_code or "")
        session.add(profile)
    values = body.model_dump()
    values["facilities"] = json.dumps(values["facilities"], ensure_ascii=False)
    for name, value in values.items():
        setattr(profile, name, value)
    profile.updated_by = actor.username
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="community.profile." + ("create" if created else "update"),
        target_type="community",
        target_id=community_code,
        detail={"population": body.population, "service_space_m2": body.service_space_m2},
    )
    return profile


def register_resident(
    session: Session,
    actor: Actor,
    cipher: PersonalDataCipher,
    *,
    community_code: str,
    name: str,
    id_number: str,
    zone: str | None,
) -> Resident:
    division_at(session, community_code, DivisionLevel.community, field="community_code")
    check_writable(actor, community_code)
    digest = cipher.digest(id_number, purpose="id_number") or ""
    exists = session.execute(
        select(Resident.id).where(Resident.community_code == community_code, Resident.id_digest == digest)
    ).first()
    if exists is not None:
        raise Conflict("该居民已在本社区登记核验", field="id_number")
    resident = Resident(
        community_code=community_code,
        zone=zone,
        name_enc=cipher.encrypt(name),
        id_digest=digest,
        verified_by=actor.username,
        verified_at=utcnow(),
    )
    return audit.record_added(
        session,
        resident,
        actor=actor.username,
        action="community.resident.verify",
        target_type="resident",
        detail={"community": community_code, "zone": zone},
    )


def add_organisation(
    session: Session,
    actor: Actor,
    *,
    name: str,
    org_type: OrgType,
    street_code: str,
    registered_on: date | None,
) -> SocialOrganisation:
    division_at(session, street_code, DivisionLevel.street, field="street_code")
    check_writable(actor, street_code)
    if session.execute(select(SocialOrganisation.id).where(SocialOrganisation.name == name)).first():
        raise Conflict(f"社会组织“{name}”已登记", field="name")
    org = SocialOrganisation(
        name=name,
        org_type=org_type,
        street_code=street_code,
        registered_on=registered_on,
        created_by=actor.username,
    )
    return audit.record_added(
        session,
        org,
        actor=actor.username,
        action="community.org.create",
        target_type="social_org",
        detail={"type": org_type.value, "street": street_code},
    )


def add_hub(
    session: Session,
    actor: Actor,
    *,
    kind: HubKind,
    street_code: str,
    name: str,
    established_on: date | None,
) -> StreetHub:
    division_at(session, street_code, DivisionLevel.street, field="street_code")
    check_writable(actor, street_code)
    existing = session.execute(
        select(StreetHub.id).where(StreetHub.kind == kind, StreetHub.street_code == street_code)
    ).first()
    if existing is not None:
        label = "孵化服务机构" if kind == HubKind.incubation else "社会组织联合会"
        raise Conflict(f"该街道已登记{label}", field="street_code")
    hub = StreetHub(
        kind=kind,
        street_code=street_code,
        name=name,
        established_on=established_on,
        created_by=actor.username,
    )
    return audit.record_added(
        session,
        hub,
        actor=actor.username,
        action="community.hub.create",
        target_type="street_hub",
        detail={"kind": kind.value, "street": street_code},
    )
