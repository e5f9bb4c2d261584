"""Reads of community profiles and residents, filtered by the actor's jurisdiction."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.community.profiles.models import CommunityProfile, Resident
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
