"""JSON routes for community base data (一库) and verified residents."""

from __future__ import annotations

import json

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from zhili.community.access import is_urban_community
from zhili.community.deps import Cipher
from zhili.community.policy import CommunityKeeper, CommunityReader
from zhili.community.profiles import repository, service
from zhili.community.profiles.models import (
    MIN_SERVICE_SPACE_M2,
    MIN_SERVICE_SPACE_NEW_ESTATE_M2,
    CommunityProfile,
)
from zhili.community.profiles.schemas import ProfileIn, ProfileOut, ResidentIn, ResidentOut
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.kernel.masking import mask_name

router = APIRouter(prefix="/api/community", tags=["community"])


def space_compliant(profile: CommunityProfile) -> bool:
    minimum = MIN_SERVICE_SPACE_NEW_ESTATE_M2 if profile.new_estate else MIN_SERVICE_SPACE_M2
    return profile.service_space_m2 >= minimum


def profile_out(session: Session, profile: CommunityProfile) -> ProfileOut:
    division = divisions.get(session, profile.community_code)
    return ProfileOut(
        community_code=profile.community_code,
        community_name=division.name if division else "",
        street_code=profile.street_code,
        population=profile.population,
        households=profile.households,
        area_km2=profile.area_km2,
        service_space_m2=profile.service_space_m2,
        new_estate=profile.new_estate,
        facilities=json.loads(profile.facilities or "[]"),
        has_owners_committee=profile.has_owners_committee,
        property_coverage=profile.property_coverage,
        service_space_compliant=space_compliant(profile),
        urban=is_urban_community(profile.community_code),
    )


@router.put("/profiles/{community_code}", response_model=ProfileOut)
def save_profile(
    community_code: str, body: ProfileIn, actor: CommunityKeeper, session: DbSession
) -> ProfileOut:
    return profile_out(session, service.save_profile(session, actor, community_code, body))


@router.get("/profiles/{community_code}", response_model=ProfileOut)
def get_profile(community_code: str, actor: CommunityReader, session: DbSession) -> ProfileOut:
    return profile_out(session, repository.get_profile(session, actor, community_code))


@router.get("/profiles", response_model=list[ProfileOut])
def list_profiles(
    actor: CommunityReader, session: DbSession, division: str | None = Query(default=None, max_length=12)
) -> list[ProfileOut]:
    return [profile_out(session, p) for p in repository.list_profiles(session, actor, division)]


@router.post("/residents", response_model=ResidentOut, status_code=201)
def register_resident(
    body: ResidentIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> ResidentOut:
    resident = service.register_resident(
        session,
        actor,
        cipher,
        community_code=body.community_code,
        name=body.name,
        id_number=body.id_number,
        zone=body.zone,
    )
    return ResidentOut(
        id=resident.id,
        community_code=resident.community_code,
        zone=resident.zone,
        name=mask_name(body.name),
        verified_at=resident.verified_at,
    )


@router.get("/residents", response_model=list[ResidentOut])
def list_residents(
    actor: CommunityReader, session: DbSession, cipher: Cipher, community: str = Query(max_length=12)
) -> list[ResidentOut]:
    return [
        ResidentOut(
            id=r.id,
            community_code=r.community_code,
            zone=r.zone,
            name=mask_name(cipher.decrypt(r.name_enc)),
            verified_at=r.verified_at,
        )
        for r in repository.list_residents(session, actor, community)
    ]
