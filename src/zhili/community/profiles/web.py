"""The community profiles page: base data against the service-space standard, social organisations
by type, and each street's incubation centre and federation."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from zhili.community.organisations import repository as organisations
from zhili.community.organisations.api import hub_view, org_view
from zhili.community.pages import division_names
from zhili.community.policy import CommunityReader
from zhili.community.profiles import repository
from zhili.community.profiles.api import profile_out
from zhili.deps import DbSession
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/community/profiles", response_class=HTMLResponse)
def profiles_page(request: Request, session: DbSession, actor: CommunityReader) -> HTMLResponse:
    profiles = [profile_out(session, p) for p in repository.list_profiles(session, actor)]
    orgs = [org_view(o) for o in organisations.list_orgs(session, actor)]
    by_type: dict[str, int] = {}
    for org in orgs:
        by_type[org.org_type_label] = by_type.get(org.org_type_label, 0) + 1
    hubs = [hub_view(h) for h in organisations.list_hubs(session, actor)]
    names = division_names(session, {h.street_code for h in hubs})
    context = {
        "profiles": profiles,
        "orgs_by_type": by_type,
        "org_total": len(orgs),
        "hubs": hubs,
        "names": names,
    }
    return render(request, "community/profiles.html", context)
