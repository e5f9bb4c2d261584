"""JSON routes for social organisations and street hubs."""

from __future__ import annotations

from fastapi import APIRouter, Query

from zhili.community.organisations import repository, service
from zhili.community.organisations.models import (
    HUB_KIND_LABELS,
    ORG_TYPE_LABELS,
    SocialOrganisation,
    StreetHub,
)
from zhili.community.organisations.schemas import HubIn, OrgIn, SocialOrgOut, StreetHubOut
from zhili.community.policy import CommunityKeeper, CommunityReader
from zhili.deps import DbSession

router = APIRouter(prefix="/api/community", tags=["community"])


def org_view(org: SocialOrganisation) -> SocialOrgOut:
    return SocialOrgOut(
        id=org.id,
        name=org.name,
        org_type=org.org_type,
        org_type_label=ORG_TYPE_LABELS[org.org_type],
        street_code=org.street_code,
        registered_on=org.registered_on,
    )


def hub_view(hub: StreetHub) -> StreetHubOut:
    return StreetHubOut(
        id=hub.id,
        kind=hub.kind,
        kind_label=HUB_KIND_LABELS[hub.kind],
        street_code=hub.street_code,
        name=hub.name,
    )


@router.post("/orgs", response_model=SocialOrgOut, status_code=201)
def add_org(body: OrgIn, actor: CommunityKeeper, session: DbSession) -> SocialOrgOut:
    return org_view(service.add_organisation(session, actor, **body.model_dump()))


@router.get("/orgs", response_model=list[SocialOrgOut])
def list_orgs(
    actor: CommunityReader, session: DbSession, division: str | None = Query(default=None, max_length=12)
) -> list[SocialOrgOut]:
    return [org_view(o) for o in repository.list_orgs(session, actor, division)]


@router.post("/hubs", response_model=StreetHubOut, status_code=201)
def add_hub(body: HubIn, actor: CommunityKeeper, session: DbSession) -> StreetHubOut:
    return hub_view(service.add_hub(session, actor, **body.model_dump()))


@router.get("/hubs", response_model=list[StreetHubOut])
def list_hubs(
    actor: CommunityReader, session: DbSession, division: str | None = Query(default=None, max_length=12)
) -> list[StreetHubOut]:
    return [hub_view(h) for h in repository.list_hubs(session, actor, division)]
