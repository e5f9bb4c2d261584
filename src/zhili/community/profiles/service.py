"""Community profiles (一库) and verified residents (one registration per person and community)."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.community.access import check_writable, division_at
from zhili.community.profiles.models import CommunityProfile, Resident
from zhili.community.profiles.schemas import ProfileIn
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
