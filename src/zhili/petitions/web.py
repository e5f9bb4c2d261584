"""信访 workbenches: the registrar's window (register, the matters in reach), one matter with the
forms of its next steps, the 积案 list, and the 领导接访日 / 下访 calendar. Forms act through the same
services as the API; refusals are the same errors, shown as the error page or a toast."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from zhili.cases.states import SATISFACTION_LABELS
from zhili.community.forms import form_data, parse
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.petitions import intake, leaders, service, views
from zhili.petitions import repository as petitions
from zhili.petitions.deps import PetitionCtx
from zhili.petitions.policy import (
    LeaderOrganiser,
    LeaderRecorder,
    PetitionHandler,
    PetitionReader,
    PetitionRegistrar,
    can_download_notices,
    can_organise_leaders,
    can_record_satisfaction,
    can_register_petition,
)
from zhili.petitions.schemas import (
    LeaderActionIn,
    LeaderIn,
    PetitionIn,
    PetitionStepIn,
    ReceptionIn,
    ReceptionRecordIn,
)
from zhili.petitions.states import (
    CHANNEL_LABELS,
    LEADER_ACTION_LABELS,
    RECEPTION_LABELS,
    STATE_LABELS,
    MatterState,
    PetitionChannel,
)
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
PETITIONER_FIELDS = ("name", "phone", "id_number", "address")


@router.get("/petitions", response_class=HTMLResponse)
def workbench(request: Request, session: DbSession, actor: PetitionReader, state: str = "") -> HTMLResponse:
    chosen = state if state in {s.value for s in MatterState} else None
    matters = [views.summary(m) for m in petitions.list_matters(session, actor, state=chosen)]
    context = {
        "matters": matters,
        "names": divisions.names_of(session, {m.division_code for m in matters}),
        "state": chosen or "",
        "states": [(s.value, label) for s, label in STATE_LABELS.items()],
        "channels": [(c.value, label) for c, label in CHANNEL_LABELS.items() if c != PetitionChannel.online],
        "may_register": can_register_petition(actor),
    }
    return render(request, "petitions/workbench.html", context)


@router.post("/petitions")
async def register(
    request: Request, session: DbSession, actor: PetitionRegistrar, ctx: PetitionCtx
) -> Response:
    data: dict[str, Any] = await form_data(request)
    petitioner = {k: data.pop(f"petitioner_{k}", "") for k in PETITIONER_FIELDS}
    data["petitioner"] = {k: v for k, v in petitioner.items() if v}
    result = intake.register(session, ctx, actor, parse(PetitionIn, data))
    return see_other(request, f"/petitions/matters/{result.matter.code}")


@router.get("/petitions/matters/{matter_code}", response_class=HTMLResponse)
def matter_page(
    request: Request, matter_code: str, session: DbSession, actor: PetitionReader, ctx: PetitionCtx
) -> HTMLResponse:
    matter = petitions.get_readable(session, actor, matter_code)
    detail = views.detail(session, actor, matter, ctx.cipher)
    office = service.is_office_of(actor, matter)
    context = {
        "matter": detail,
        "names": divisions.names_of(session, {matter.division_code}),
        "actions": service.applicable_actions(session, actor, matter),
        "may_rate": office
        and can_record_satisfaction(actor)
        and matter.replied_at is not None
        and matter.satisfaction is None,
        "may_download": office and can_download_notices(actor),
        "may_register": office and can_register_petition(actor),
        "ratings": [(s.value, label) for s, label in SATISFACTION_LABELS.items()],
        "may_organise": can_organise_leaders(actor),
        "leader_kinds": [(k.value, label) for k, label in LEADER_ACTION_LABELS.items()],
    }
    return render(request, "petitions/matter.html", context)


@router.post("/petitions/matters/{matter_code}/act/{action}")
async def act(
    request: Request,
    matter_code: str,
    action: str,
    session: DbSession,
    actor: PetitionHandler,
    ctx: PetitionCtx,
) -> Response:
    body = parse(PetitionStepIn, await form_data(request))
    matter = service.act(session, ctx, actor, matter_code, action, body)
    return see_other(request, f"/petitions/matters/{matter.code}")


@router.post("/petitions/matters/{matter_code}/leader")
async def assign_leader(
    request: Request, matter_code: str, session: DbSession, actor: LeaderOrganiser, ctx: PetitionCtx
) -> Response:
    body = parse(LeaderIn, await form_data(request))
    matter = leaders.assign_leader(session, ctx, actor, matter_code, body.username)
    return see_other(request, f"/petitions/matters/{matter.code}")


@router.post("/petitions/matters/{matter_code}/leader-actions")
async def leader_action(
    request: Request, matter_code: str, session: DbSession, actor: LeaderRecorder, ctx: PetitionCtx
) -> Response:
    body = parse(LeaderActionIn, await form_data(request))
    leaders.add_leader_action(session, ctx, actor, matter_code, body)
    return see_other(request, f"/petitions/matters/{matter_code}")


@router.get("/petitions/backlog", response_class=HTMLResponse)
def backlog_page(
    request: Request, session: DbSession, actor: PetitionReader, ctx: PetitionCtx
) -> HTMLResponse:
    days = request.app.state.settings.petition_backlog_days
    now = ctx.now()
    rows = [views.backlog_item(session, m, now) for m in petitions.backlog(session, actor, now, days)]
    return render(request, "petitions/backlog.html", {"rows": rows, "days": days})


@router.get("/petitions/receptions", response_class=HTMLResponse)
def receptions_page(request: Request, session: DbSession, actor: PetitionReader) -> HTMLResponse:
    slots = petitions.receptions(session, actor, None, None)
    context = {
        "slots": slots,
        "names": divisions.names_of(session, {slot.division_code for slot, _leader in slots}),
        "labels": {k.value: label for k, label in RECEPTION_LABELS.items()},
        "kinds": [(k.value, label) for k, label in RECEPTION_LABELS.items()],
        "may_organise": can_organise_leaders(actor),
    }
    return render(request, "petitions/receptions.html", context)


@router.post("/petitions/receptions")
async def plan_reception(
    request: Request, session: DbSession, actor: LeaderOrganiser, ctx: PetitionCtx
) -> Response:
    leaders.plan_reception(session, ctx, actor, parse(ReceptionIn, await form_data(request)))
    return see_other(request, "/petitions/receptions")


@router.post("/petitions/receptions/{reception_id}/record")
async def record_reception(
    request: Request, reception_id: int, session: DbSession, actor: LeaderRecorder, ctx: PetitionCtx
) -> Response:
    body = parse(ReceptionRecordIn, await form_data(request))
    leaders.record_reception(session, ctx, actor, reception_id, body)
    return see_other(request, "/petitions/receptions")
