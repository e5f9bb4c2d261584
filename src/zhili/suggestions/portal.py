"""The citizen's 人民建议征集 pages: the open calls, the suggestion form (optionally answering a call,
with consent to publication), tracking by 建议 code + phone tail, and the annual 优秀建议 list. No
login; rate-limited like the 12345 portal; nothing here shows personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from zhili.auth.policy import anyone
from zhili.cases.context import CaseContext
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.errors import ZhiliError
from zhili.kernel.ratelimit import limits_for
from zhili.suggestions import intake, tracking, views
from zhili.suggestions import repository as suggestions
from zhili.suggestions.api import PORTAL, SUBMIT_LIMIT, TRACK_LIMIT
from zhili.suggestions.deps import SuggestionCtx
from zhili.suggestions.forms import FormRefused, parse, refused, typed
from zhili.suggestions.schemas import CampaignOut, SuggestionIn
from zhili.web.lookup_page import lookup_page
from zhili.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[anyone.depends])

FIELDS = ("title", "content", "division_code", "campaign", "name", "phone", "consent_publish")
CITY = "11"


def _calls(session: Session, ctx: CaseContext) -> list[CampaignOut]:
    today = ctx.now().astimezone(ctx.tz).date()
    return [views.campaign_out(c, d, n, today) for c, d, n in suggestions.open_campaigns(session, today)]


def _form(
    request: Request,
    session: DbSession,
    ctx: CaseContext,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {
        "form": form,
        "errors": errors,
        "districts": [(d.code, d.name) for d in divisions.children(session, CITY)],
        "calls": [(c.code, c.title) for c in _calls(session, ctx)],
    }
    return render(request, "suggestions/portal_submit.html", context, status=status)


@router.get("/portal/calls", response_class=HTMLResponse)
def calls_page(request: Request, session: DbSession, ctx: SuggestionCtx) -> HTMLResponse:
    return render(request, "suggestions/portal_calls.html", {"calls": _calls(session, ctx)})


@router.get("/portal/suggest", response_class=HTMLResponse)
def suggest_form(
    request: Request,
    session: DbSession,
    ctx: SuggestionCtx,
    campaign: Annotated[str, Query(max_length=24)] = "",
) -> HTMLResponse:
    return _form(request, session, ctx, {"campaign": campaign}, {})


@router.post("/portal/suggest", response_class=HTMLResponse, dependencies=[SUBMIT_LIMIT])
async def submit(request: Request, session: DbSession, ctx: SuggestionCtx) -> HTMLResponse:
    form = await typed(request, FIELDS)
    try:
        body = parse(SuggestionIn, form)
        try:
            with session.begin_nested():
                result = intake.submit(session, ctx, PORTAL, body)
        except ZhiliError as exc:
            raise refused(exc) from None
    except FormRefused as exc:
        return _form(request, session, ctx, form, exc.errors, status=exc.status)
    context = {"suggestion": result.suggestion, "tail": form["phone"][-4:]}
    return render(request, "suggestions/portal_submitted.html", context, status=201)


@router.get("/portal/suggest/track", response_class=HTMLResponse, dependencies=[TRACK_LIMIT])
def track_page(
    request: Request,
    session: DbSession,
    ctx: SuggestionCtx,
    code: Annotated[str, Query(max_length=40)] = "",
    phone_tail: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    def look_up() -> object:
        found = tracking.track(session, ctx, code, phone_tail, limits_for(request.app))
        return views.tracked(session, found)

    return lookup_page(request, "suggestions/portal_track.html", code, phone_tail, look_up)


@router.get("/portal/suggest/excellent", response_class=HTMLResponse)
def excellent_page(
    request: Request,
    session: DbSession,
    ctx: SuggestionCtx,
    year: Annotated[int | None, Query(ge=2000, le=2999)] = None,
) -> HTMLResponse:
    chosen = year or ctx.now().astimezone(ctx.tz).year
    items = [views.excellent_out(session, s) for s in suggestions.excellent(session, chosen)]
    return render(request, "suggestions/portal_excellent.html", {"year": chosen, "items": items})
