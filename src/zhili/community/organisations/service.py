"""Registering social organisations (one per name) and street hubs (one of each kind per street)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.community.access import check_writable, division_at
from zhili.community.organisations.models import HubKind, OrgType, SocialOrganisation, StreetHub
from zhili.divisions.models import DivisionLevel
from zhili.errors import Conflict


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
