"""Reads of community profiles, residents, social organisations and street hubs (scoped)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.community.models import CommunityProfile, Resident, SocialOrganisation, StreetHub
from zhili.errors import NotFound


def get_profile(session: Session, actor: Actor, code: str) -> CommunityProfile:
    profile = session.scalars(
        select(CommunityProfile).where(
            CommunityProfile.community_code == code, readable(actor).clause(CommunityProfile.community_code)
        )
    ).one_or_none()
    if profile is None:
        raise NotFound("社区基础数据不存在或不在您的辖区内")
    return profile


def list_profiles(session: Session, actor: Actor, division: str | None = None) -> Sequence[CommunityProfile]:
    statement = select(CommunityProfile).where(readable(actor).clause(CommunityProfile.community_code))
    if division:
        statement = statement.where(CommunityProfile.community_code.startswith(division, autoescape=True))
    return session.scalars(statement.order_by(CommunityProfile.community_code).limit(2000)).all()


def list_residents(session: Session, actor: Actor, community_code: str) -> Sequence[Resident]:
    return session.scalars(
        select(Resident)
        .where(Resident.community_code == community_code, readable(actor).clause(Resident.community_code))
        .order_by(Resident.id)
    ).all()


def list_orgs(session: Session, actor: Actor, division: str | None = None) -> Sequence[SocialOrganisation]:
    statement = select(SocialOrganisation).where(readable(actor).clause(SocialOrganisation.street_code))
    if division:
        statement = statement.where(SocialOrganisation.street_code.startswith(division, autoescape=True))
    return session.scalars(statement.order_by(SocialOrganisation.id).limit(2000)).all()


def list_hubs(session: Session, actor: Actor, division: str | None = None) -> Sequence[StreetHub]:
    statement = select(StreetHub).where(readable(actor).clause(StreetHub.street_code))
    if division:
        statement = statement.where(StreetHub.street_code.startswith(division, autoescape=True))
    return session.scalars(statement.order_by(StreetHub.street_code, StreetHub.kind)).all()
