"""The community profiles page: base data against the service-space standard, social organisations
by type, each street's incubation centre and federation, and the form that records a community's
base data (it used to need ``PUT /api/community/profiles/{code}``)."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.community.forms import form_data, parse
from zhili.community.organisations import repository as organisations
from zhili.community.organisations.api import hub_view, org_view
from zhili.community.pages import division_names
from zhili.community.policy import CommunityKeeper, CommunityReader, can_keep_community
from zhili.community.profiles import repository, service
from zhili.community.profiles.api import profile_out
from zhili.community.profiles.schemas import ProfileIn
from zhili.deps import DbSession
from zhili.errors import ValidationFailed, ZhiliError
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")
PERCENT = 100


@router.get("/community/profiles", response_class=HTMLResponse)
def profiles_page(request: Request, session: DbSession, actor: CommunityReader) -> HTMLResponse:
    return _page(request, session, actor)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
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
        "can_keep": can_keep_community(actor),
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "community/profiles.html", context, status=status)


def _profile_body(data: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {
        k: data.get(k) for k in ("population", "households", "area_km2", "service_space_m2")
    }
    body["new_estate"] = data.get("new_estate") == "1"
    body["has_owners_committee"] = data.get("has_owners_committee") == "1"
    body["facilities"] = [f for f in LIST_SEPARATORS.split(str(data.get("facilities", ""))) if f]
    coverage = str(data.get("property_coverage", "")).strip().rstrip("%")
    if coverage:
        try:
            body["property_coverage"] = float(coverage) / PERCENT
        except ValueError:
            raise ValidationFailed("物业服务覆盖率需要填写 0–100 的数字", field="property_coverage") from None
    return body


@router.post("/community/profiles")
async def save_profile(request: Request, session: DbSession, actor: CommunityKeeper) -> Response:
    data = await form_data(request)
    code = str(data.get("community_code", "")).strip()
    try:
        if not code:
            raise ValidationFailed("请选择社区", field="community_code")
        service.save_profile(session, actor, code, parse(ProfileIn, _profile_body(data)))
    except ZhiliError as refused:
        return _page(request, session, actor, data, refused.form_errors(), refused.status)
    return see_other(request, "/community/profiles?saved=1")
