"""人民建议征集 workbenches: the reviewer's queue (excerpts, filters, one-click outcome forms with a
reason), one suggestion with the forms of its next steps, the departments' campaign page and the
采纳率 figures. Forms act through the same services as the API; a refused form comes back with what
was typed and the refusal under its field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.errors import ZhiliError
from zhili.suggestions import intake, service, views
from zhili.suggestions import repository as suggestions
from zhili.suggestions.deps import SuggestionCtx
from zhili.suggestions.forms import FormRefused, parse, refused, typed
from zhili.suggestions.models import Suggestion
from zhili.suggestions.policy import (
    CampaignOpener,
    SuggestionFigureReader,
    SuggestionHandler,
    SuggestionReader,
    can_open_campaigns,
    may_act,
)
from zhili.suggestions.schemas import AdoptionFigureOut, CampaignIn, SuggestionStepIn
from zhili.suggestions.states import (
    DECISIONS,
    RULES,
    SOURCE_LABELS,
    STATE_LABELS,
    SuggestionSource,
    SuggestionState,
)
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
STEP_FIELDS = ("action", "text", "unit", "year", "back")
CAMPAIGN_FIELDS = ("title", "topic", "division_code", "opens_on", "closes_on")


def _actions(actor: Actor, s: Suggestion) -> list[tuple[str, str]]:
    """The steps this actor may take now (a 成果转化 or 优秀建议 already recorded is not offered)."""
    done = {"record_result": bool(s.result), "mark_excellent": s.excellent_year is not None}
    return [
        (name, rule.label)
        for name, rule in RULES.items()
        if s.state in rule.sources
        and not done.get(name)
        and may_act(actor, rule.by_department)
        and (not rule.by_department or s.department_unit_id == actor.unit_id)
    ]


def _places(session: Session, codes: set[str]) -> dict[str, str]:
    return divisions.names_of(session, codes)


@router.get("/suggestions", response_class=HTMLResponse)
def queue(
    request: Request,
    session: DbSession,
    actor: SuggestionReader,
    state: str = "",
    source: str = "",
    campaign: str = "",
) -> HTMLResponse:
    chosen_state = SuggestionState(state) if state in {s.value for s in SuggestionState} else None
    chosen_source = SuggestionSource(source) if source in {s.value for s in SuggestionSource} else None
    rows = suggestions.list_suggestions(
        session, actor, state=chosen_state, source=chosen_source, campaign=campaign[:24] or None
    )
    context = {
        "rows": [(views.summary(session, s), _actions(actor, s)) for s in rows],
        "places": _places(session, {s.division_code for s in rows}),
        "state": chosen_state.value if chosen_state else "",
        "source": chosen_source.value if chosen_source else "",
        "campaign": campaign[:24],
        "states": [(s.value, label) for s, label in STATE_LABELS.items()],
        "sources": [(s.value, label) for s, label in SOURCE_LABELS.items()],
        "campaigns": [(c.code, c.title) for c, _, _ in suggestions.campaigns_for(session, actor)],
        "decisions": DECISIONS,
    }
    return render(request, "suggestions/queue.html", context)


def _item_page(
    request: Request,
    session: Session,
    actor: Actor,
    ctx: CaseContext,
    s: Suggestion,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {
        "s": views.detail(session, actor, s, ctx.cipher),
        "place": _places(session, {s.division_code}).get(s.division_code, s.division_code),
        "actions": _actions(actor, s),
        "decisions": DECISIONS,
        "form": form,
        "errors": errors,
    }
    return render(request, "suggestions/item.html", context, status=status)


@router.get("/suggestions/items/{suggestion_code}", response_class=HTMLResponse)
def item_page(
    request: Request, suggestion_code: str, session: DbSession, actor: SuggestionReader, ctx: SuggestionCtx
) -> HTMLResponse:
    s = suggestions.get_readable(session, actor, suggestion_code)
    return _item_page(request, session, actor, ctx, s, {}, {})


@router.post("/suggestions/items/{suggestion_code}/act")
async def act(
    request: Request, suggestion_code: str, session: DbSession, actor: SuggestionHandler, ctx: SuggestionCtx
) -> Response:
    s = suggestions.get_readable(session, actor, suggestion_code)
    form = await typed(request, STEP_FIELDS)
    try:
        action = form.pop("action", "")
        back = form.pop("back", "")
        body = parse(SuggestionStepIn, form)
        try:
            with session.begin_nested():
                service.act(session, ctx, actor, s.code, action, body)
        except ZhiliError as exc:
            raise refused(exc) from None
    except FormRefused as exc:
        session.refresh(s)
        return _item_page(request, session, actor, ctx, s, {**form, "action": action}, exc.errors, exc.status)
    # The queue's one-click forms return to the queue; the suggestion's own forms to the suggestion.
    return see_other(request, "/suggestions" if back == "queue" else f"/suggestions/items/{s.code}")


def _campaign_page(
    request: Request,
    session: Session,
    actor: Actor,
    ctx: CaseContext,
    form: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    today = ctx.now().astimezone(ctx.tz).date()
    context = {
        "campaigns": [
            views.campaign_out(c, d, n, today) for c, d, n in suggestions.campaigns_for(session, actor)
        ],
        "may_open": can_open_campaigns(actor),
        "form": form,
        "errors": errors,
    }
    return render(request, "suggestions/campaigns.html", context, status=status)


@router.get("/suggestions/campaigns", response_class=HTMLResponse)
def campaigns_page(
    request: Request, session: DbSession, actor: SuggestionReader, ctx: SuggestionCtx
) -> HTMLResponse:
    return _campaign_page(request, session, actor, ctx, {}, {})


@router.post("/suggestions/campaigns")
async def open_campaign(
    request: Request, session: DbSession, actor: CampaignOpener, ctx: SuggestionCtx
) -> Response:
    form = await typed(request, CAMPAIGN_FIELDS)
    try:
        body = parse(CampaignIn, form)
        try:
            with session.begin_nested():
                intake.open_campaign(session, ctx, actor, body)
        except ZhiliError as exc:
            raise refused(exc) from None
    except FormRefused as exc:
        return _campaign_page(request, session, actor, ctx, form, exc.errors, exc.status)
    return see_other(request, "/suggestions/campaigns")


@router.get("/suggestions/figures", response_class=HTMLResponse)
def figures_page(request: Request, session: DbSession, actor: SuggestionFigureReader) -> HTMLResponse:
    rows = [AdoptionFigureOut.model_validate(row) for row in suggestions.figures(session, actor)]
    decided = sum(r.decided for r in rows)
    adopted = sum(r.adopted + r.partly_adopted for r in rows)
    context = {"rows": rows, "decided": decided, "rate": round(adopted / decided, 4) if decided else None}
    return render(request, "suggestions/figures.html", context)
