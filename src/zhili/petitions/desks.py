"""信访 desks beside the workbench: the handling body's inbox (sent to me, by deadline, with the forms
of the next step), a leader's 包案 page (my matters, record actions and meetings), the figures page,
and the office's 回访 satisfaction form. Forms post through the same services as the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from zhili.community.forms import form_data, parse
from zhili.deps import DbSession
from zhili.petitions import figures, intake, satisfaction, service, views
from zhili.petitions import repository as petitions
from zhili.petitions.deps import PetitionCtx
from zhili.petitions.policy import (
    FigureReader,
    LeaderRecorder,
    PetitionReader,
    PetitionRegistrar,
    SatisfactionRecorder,
)
from zhili.petitions.schemas import SatisfactionIn
from zhili.petitions.states import LEADER_ACTION_LABELS
from zhili.storage.images import check_photos
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/petitions/inbox", response_class=HTMLResponse)
def inbox(request: Request, session: DbSession, actor: PetitionReader) -> HTMLResponse:
    """Matters waiting for a step of mine, the nearest deadline first."""
    rows = []
    for matter in petitions.open_by_deadline(session, actor):
        actions = service.applicable_actions(session, actor, matter)
        if actions:
            rows.append({"matter": views.summary(matter), "actions": actions})
    return render(request, "petitions/inbox.html", {"rows": rows})


@router.get("/petitions/leader", response_class=HTMLResponse)
def leader_desk(
    request: Request, session: DbSession, actor: LeaderRecorder, ctx: PetitionCtx
) -> HTMLResponse:
    """包案: the matters assigned to me, with their actions so far and the form to record the next."""
    matters = []
    for matter in petitions.led_by(session, actor):
        recorded = [a for a, _name in petitions.leader_actions_of(session, matter.id)]
        matters.append({"matter": views.summary(matter), "actions": recorded})
    since = ctx.now()
    context = {
        "matters": matters,
        "kinds": [(k.value, label) for k, label in LEADER_ACTION_LABELS.items()],
        "labels": {k.value: label for k, label in LEADER_ACTION_LABELS.items()},
        "slots": [
            s
            for s in petitions.receptions(session, actor, since, None)
            if s[0].leader_user_id == actor.user_id
        ],
    }
    return render(request, "petitions/leader.html", context)


@router.get("/petitions/figures", response_class=HTMLResponse)
def figures_page(
    request: Request,
    session: DbSession,
    actor: FigureReader,
    ctx: PetitionCtx,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> HTMLResponse:
    chosen = year or ctx.now().astimezone(ctx.tz).year
    days = request.app.state.settings.petition_backlog_days
    report = figures.report(session, actor, chosen, ctx.tz, days)
    return render(request, "petitions/figures.html", {"report": report, "year": chosen})


@router.post("/petitions/matters/{matter_code}/satisfaction")
async def rate(
    request: Request, matter_code: str, session: DbSession, actor: SatisfactionRecorder, ctx: PetitionCtx
) -> Response:
    body = parse(SatisfactionIn, await form_data(request))
    satisfaction.record(session, ctx, actor, matter_code, body)
    return see_other(request, f"/petitions/matters/{matter_code}")


@router.post("/petitions/items/{petition_code}/scans")
async def add_scans(
    request: Request, petition_code: str, session: DbSession, actor: PetitionRegistrar, ctx: PetitionCtx
) -> Response:
    """Scans of a letter from the matter page (images), as ``POST /api/petitions/items/{code}/scans``."""
    form = await request.form()
    uploads = [f for f in form.getlist("scans") if isinstance(f, UploadFile)]
    checked = check_photos(uploads, ctx.settings.max_upload_mb, field="scans")
    _petition, matter = intake.add_scans(session, ctx, actor, petition_code, checked)
    return see_other(request, f"/petitions/matters/{matter.code}")
