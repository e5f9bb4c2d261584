"""Reads of social organisations and street hubs, filtered by the actor's jurisdiction (street code)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.community.organisations.models import SocialOrganisation, StreetHub


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
