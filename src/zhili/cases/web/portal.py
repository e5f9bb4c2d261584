"""The citizen portal: submit a demand (map pin or address, photos), track it by code + phone tail,
and answer the 回访 through the SMS link. No login: the portal acts as the anonymous citizen, and
tracking shows only the public view (``tracking.public_view``), exactly as ``/api/track`` does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from zhili.auth.policy import anyone
from zhili.auth.scope import citizen
from zhili.cases import flows
from zhili.cases.attachments import store_photos
from zhili.cases.deps import CaseCtx
from zhili.cases.schemas import CaseIn
from zhili.cases.tracking import service as tracking
from zhili.cases.tracking.api import TRACK_LIMIT, VISIT_LIMIT, find_tracked
from zhili.cases.web.common import parse_model
from zhili.cases.web.intake import case_body, field_errors
from zhili.deps import DbSession, commit_here
from zhili.divisions.resolver import OutsideCity
from zhili.errors import ZhiliError
from zhili.kernel.ratelimit import peer_address, rate_limit
from zhili.storage.images import MAX_PHOTOS, check_photos
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS
from zhili.web.lookup_page import lookup_page
from zhili.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[anyone.depends])

PORTAL = citizen("portal")
SUBMITS_PER_MINUTE = 10
Short = Annotated[str, Form(max_length=400)]
Long = Annotated[str, Form(max_length=6000)]
FIELDS = ("demand_type", "title", "description", "address", "lat", "lng", "name", "phone")


def _portal_form(
    request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    context = {
        "form": form,
        "errors": errors,
        "types": [(k.value, v) for k, v in DEMAND_TYPE_LABELS.items()],
        "max_photos": MAX_PHOTOS,
        "max_mb": request.app.state.settings.max_upload_mb,
    }
    return render(request, "portal/submit.html", context, status=status)


@router.get("/portal", response_class=HTMLResponse)
def portal_page(request: Request) -> HTMLResponse:
    return _portal_form(request, {"demand_type": "help"}, {})


@router.post(
    "/portal",
    response_class=HTMLResponse,
    dependencies=[Depends(rate_limit("portal-submit", SUBMITS_PER_MINUTE))],
)
def portal_submit(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    demand_type: Short = "",
    title: Short = "",
    description: Long = "",
    address: Short = "",
    lat: Short = "",
    lng: Short = "",
    name: Short = "",
    phone: Short = "",
    photos: Annotated[list[UploadFile] | None, File()] = None,
) -> HTMLResponse:
    values = locals()
    form = {k: str(values[k]).strip() for k in FIELDS}
    errors: dict[str, str] = {}
    if not form["phone"]:
        errors["phone"] = "请填写联系电话：凭受理编号和电话后四位查询进度"
    if not form["address"] and not (form["lat"] and form["lng"]):
        errors["address"] = "请填写地址，或在地图上点选位置"
    try:
        body = CaseIn.model_validate(case_body(form, channel="web"))
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
    if not errors:
        try:
            checked = check_photos(photos or [], ctx.settings.max_upload_mb)
        except ZhiliError as exc:
            errors.update(exc.form_errors())
    if errors:
        return _portal_form(request, form, errors, status=422)
    try:
        with session.begin_nested():
            result = flows.take_demand(session, ctx, PORTAL, body)
    except OutsideCity as exc:  # the city's hotline takes demands located in the city only
        return _portal_form(request, form, exc.form_errors(), status=400)
    store_photos(session, ctx, result.case, checked, PORTAL.username)
    context = {"case": result.case, "tail": form["phone"][-4:], "photos": len(checked)}
    page = render(request, "portal/submitted.html", context, status=201)
    commit_here(session)  # the page is drawn inside the transaction: it reads what it shows
    return page


@router.get(
    "/portal/track",
    response_class=HTMLResponse,
    dependencies=[TRACK_LIMIT],
)
def portal_track(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    code: Annotated[str, Query(max_length=40)] = "",
    phone_tail: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    """The same checks as ``GET /api/track/{code}``, sharing its wrong-tail counter per code."""

    def look_up() -> object:
        return tracking.public_view(session, find_tracked(request, session, ctx, code, phone_tail))

    return lookup_page(request, "portal/track.html", code, phone_tail, look_up)


@router.get(
    "/portal/visit/{code}/{token}",
    response_class=HTMLResponse,
    dependencies=[VISIT_LIMIT],
)
def portal_visit_page(
    request: Request,
    code: str,
    token: Annotated[str, Path(min_length=1, max_length=64)],
    session: DbSession,
    ctx: CaseCtx,
) -> HTMLResponse:
    view = tracking.public_view(session, tracking.find_for_visit_link(session, ctx, code, token))
    return render(request, "portal/visit.html", {"view": view, "token": token, "done": None, "errors": {}})


@router.get("/portal/visit/{code}", response_class=HTMLResponse, dependencies=[VISIT_LIMIT])
@router.get("/visit/{code}", response_class=HTMLResponse, dependencies=[VISIT_LIMIT])
def old_visit_link(request: Request, code: str) -> HTMLResponse:
    """Links of the old format (token in the query string): a clear page that reads nothing, shows
    nothing of the case, and never repeats the token."""
    return render(request, "portal/link_retired.html", {"message": tracking.OLD_LINK_MESSAGE}, status=410)


@router.post(
    "/portal/visit/{code}/{token}",
    response_class=HTMLResponse,
    dependencies=[VISIT_LIMIT],
)
def portal_visit_answer(
    request: Request,
    code: str,
    token: Annotated[str, Path(min_length=1, max_length=64)],
    session: DbSession,
    ctx: CaseCtx,
    solved: Short = "",
    satisfaction: Short = "",
    comment: Long = "",
) -> HTMLResponse:
    """The 回访 form posts back to its own address, so reloading the answered page shows the case."""
    return _answer_visit(request, session, ctx, code, token, solved, satisfaction, comment)


@router.post(
    "/portal/visit/{code}",
    response_class=HTMLResponse,
    dependencies=[VISIT_LIMIT],
)
def portal_visit_submit(
    request: Request,
    code: str,
    session: DbSession,
    ctx: CaseCtx,
    token: Short = "",
    solved: Short = "",
    satisfaction: Short = "",
    comment: Long = "",
) -> HTMLResponse:
    """The same answer with the token in the body (forms served before the link moved to the path)."""
    return _answer_visit(request, session, ctx, code, token, solved, satisfaction, comment)


def _answer_visit(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    code: str,
    token: str,
    solved: str,
    satisfaction: str,
    comment: str,
) -> HTMLResponse:
    view = tracking.public_view(session, tracking.find_for_visit_link(session, ctx, code, token))
    answer = {"token": token, "solved": {"1": True, "0": False}.get(solved), "satisfaction": satisfaction}
    if comment.strip():
        answer["comment"] = comment
    context: dict[str, object] = {"view": view, "token": token, "done": None, "errors": {}}
    try:
        body = parse_model(tracking.VisitIn, answer)
        with session.begin_nested():
            done = tracking.self_visit(session, ctx, code, body, client_ip=peer_address(request))
    except ZhiliError as exc:
        context["errors"] = exc.form_errors()
        return render(request, "portal/visit.html", context, status=exc.status)
    context["done"] = done
    return render(request, "portal/visit.html", context)
