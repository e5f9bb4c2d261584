"""The citizen's 网上信访 pages: submit a petition (or escalate a 12345 demand) and track it by
信访件 code + phone tail. No login; rate-limited like the 12345 portal; tracking shows no personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from zhili.auth.policy import anyone
from zhili.deps import DbSession
from zhili.divisions.deps import DivisionResolver
from zhili.divisions.places import place_of_address
from zhili.errors import ValidationFailed, ZhiliError
from zhili.kernel.ratelimit import limits_for
from zhili.petitions import intake, satisfaction, tracking, views
from zhili.petitions.api import (
    PORTAL,
    SUBMIT_LIMIT,
    TRACK_LIMIT,
)
from zhili.petitions.deps import PetitionCtx
from zhili.petitions.schemas import OnlinePetitionIn, PortalSatisfactionIn
from zhili.taxonomy import repository as taxonomy
from zhili.web.lookup_page import lookup_page
from zhili.web.templating import render
from zhili.web.validation import field_errors

router = APIRouter(include_in_schema=False, dependencies=[anyone.depends])

FIELDS = ("title", "content", "category", "address", "name", "phone", "id_number", "case_code")
LABELS = {
    "title": "事项标题",
    "content": "事实、理由和请求",
    "category": "事项类别",
    "address": "事项所在地址",
    "name": "姓名",
    "phone": "手机号码",
    "id_number": "身份证号",
    "case_code": "12345 诉求编号",
}


def _form(
    request: Request, session: DbSession, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    categories = [(c.code, c.name) for c in taxonomy.all_categories(session) if c.level == 1]
    context = {"form": form, "errors": errors, "categories": categories}
    return render(request, "petitions/portal_submit.html", context, status=status)


@router.get("/portal/petition", response_class=HTMLResponse)
def petition_form(request: Request, session: DbSession) -> HTMLResponse:
    return _form(request, session, {}, {})


@router.post("/portal/petition", response_class=HTMLResponse, dependencies=[SUBMIT_LIMIT])
async def submit_petition(
    request: Request, session: DbSession, ctx: PetitionCtx, resolver: DivisionResolver
) -> HTMLResponse:
    """The citizen writes where the matter is; its community or street decides the 信访 office (the
    JSON API, for systems, still takes a division code)."""
    data = await request.form()
    form = {k: str(data.get(k) or "").strip()[:6000] for k in FIELDS}
    values: dict[str, str] = {k: v for k, v in form.items() if v and k != "address"}
    errors: dict[str, str] = {}
    if not form["address"]:
        errors["address"] = "请填写事项所在地址"
    else:
        try:
            values["division_code"] = place_of_address(resolver, form["address"])
        except ZhiliError as exc:
            errors.update(exc.form_errors())
    try:
        body = OnlinePetitionIn.model_validate(values)
    except ValidationError as exc:
        refused = {
            k: v for k, v in field_errors(exc, LABELS).items() if k != "division_code"
        }  # from the address
        return _form(request, session, form, {**refused, **errors}, status=422)
    if errors:
        return _form(request, session, form, errors, status=422)
    try:
        with session.begin_nested():
            result = intake.register_online(session, ctx, PORTAL, body)
    except ZhiliError as exc:
        return _form(request, session, form, exc.form_errors(), status=exc.status)
    context = {"petition": result.petition, "repeat": result.repeat, "tail": form["phone"][-4:]}
    return render(request, "petitions/portal_submitted.html", context, status=201)


@router.get("/portal/petition/track", response_class=HTMLResponse, dependencies=[TRACK_LIMIT])
def track_petition(
    request: Request,
    session: DbSession,
    ctx: PetitionCtx,
    code: Annotated[str, Query(max_length=40)] = "",
    phone_tail: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    def look_up() -> object:
        petition, matter = tracking.track(session, ctx, code, phone_tail, limits_for(request.app))
        return views.tracked(session, petition, matter, ctx.settings.timezone)

    return lookup_page(request, "petitions/portal_track.html", code, phone_tail, look_up)


@router.post("/portal/petition/track/satisfaction", response_class=HTMLResponse, dependencies=[TRACK_LIMIT])
async def rate_petition(request: Request, session: DbSession, ctx: PetitionCtx) -> HTMLResponse:
    """The petitioner's rating of the 答复, from the tracking page; the page shows the result either way."""
    data = await request.form()
    form = {k: str(data.get(k) or "").strip()[:40] for k in ("code", "phone_tail", "satisfaction")}

    def look_up() -> object:
        try:
            body = PortalSatisfactionIn.model_validate({k: v for k, v in form.items() if v})
        except ValidationError:
            raise ValidationFailed("请选择满意、基本满意或不满意", field="satisfaction") from None
        with session.begin_nested():
            satisfaction.record_by_petitioner(session, ctx, body, limits_for(request.app))
        petition, matter = tracking.track(session, ctx, body.code, body.phone_tail, limits_for(request.app))
        return views.tracked(session, petition, matter, ctx.settings.timezone)

    return lookup_page(request, "petitions/portal_track.html", form["code"], form["phone_tail"], look_up)
