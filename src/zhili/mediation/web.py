"""Mediation pages: the caseload (my disputes or all in reach, by state, with next step and
deadline, the cluster warnings and the figures), registering a dispute, one dispute with the forms of
the steps the reader may take now, and a committee's page. Forms act through the same services as the
API; a refused form comes back with what was typed and the reason next to its field."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.errors import ValidationFailed, ZhiliError
from zhili.kernel import fields
from zhili.mediation import caseload, clusters, coverage, intake, service, views
from zhili.mediation import repository as disputes
from zhili.mediation.deps import MediationCtx
from zhili.mediation.forms import PARTY_FIELDS, PARTY_ROWS, flag, parse, read, rows
from zhili.mediation.policy import (
    DisputeMediator,
    DisputeReader,
    DisputeRegistrar,
    can_check_disputes,
    can_mediate,
    can_register_dispute,
)
from zhili.mediation.schemas import DisputeIn, DisputeStepIn
from zhili.mediation.states import (
    KIND_LABELS,
    NEXT_PATH_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    TRACK_LABELS,
    DisputeSource,
    DisputeState,
)
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
STEP_FIELDS = (
    "track",
    "committee_id",
    "mediator_id",
    "place",
    "notes",
    "terms",
    "performance_due",
    "performance_method",
    "next_path",
    "court",
)


def _warnings(session: Session, actor: Actor, ctx: Any, within: str = "") -> list[Any]:
    today = ctx.now().astimezone(ctx.tz).date()
    found = clusters.cluster_warnings(session, actor, ctx.tz, today)
    return [w for w in found if w.community.startswith(within)]


@router.get("/mediation", response_class=HTMLResponse)
def caseload_page(
    request: Request,
    session: DbSession,
    actor: DisputeReader,
    ctx: MediationCtx,
    state: str = "",
    mine: str = "",
) -> HTMLResponse:
    chosen = DisputeState(state) if state in {s.value for s in DisputeState} else None
    today = ctx.now().astimezone(ctx.tz).date()
    if mine:
        found = [d for d in disputes.my_disputes(session, actor) if chosen is None or d.state == chosen]
    else:
        found = list(disputes.list_disputes(session, actor, state=chosen))
    counts = {s: 0 for s in DisputeState}
    for d in disputes.my_disputes(session, actor) if mine else disputes.list_disputes(session, actor):
        counts[d.state] += 1
    figures = disputes.figures(session, actor, "street")
    covered = coverage.coverage(session, actor)
    places = {str(f["division_code"]) for f in figures} | {
        c.division_code for c in covered if c.division_code
    }
    context = {
        "rows": [caseload.row(session, d, ctx.tz, today) for d in found],
        "state": state if chosen else "",
        "mine": bool(mine),
        "states": [(s.value, label) for s, label in STATE_LABELS.items()],
        "counts": [(s.value, STATE_LABELS[s], n) for s, n in counts.items()],
        "figures": figures,
        "coverage": covered,
        "names": divisions.names_of(session, places),
        "warnings": _warnings(session, actor, ctx),
        "may_register": can_register_dispute(actor),
        "may_check": can_check_disputes(actor),
    }
    return render(request, "mediation/caseload.html", context)


def _register_page(
    request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200
) -> HTMLResponse:
    context = {
        "form": form,
        "errors": errors,
        "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
        "sources": [
            (s.value, label)
            for s, label in SOURCE_LABELS.items()
            if s not in (DisputeSource.citizen, DisputeSource.grid)
        ],
        "party_rows": range(1, PARTY_ROWS + 1),
        "roles": [("申请人", "申请人"), ("被申请人", "被申请人"), ("当事人", "当事人")],
    }
    return render(request, "mediation/register.html", context, status=status)


@router.get("/mediation/new", response_class=HTMLResponse)
def register_form(request: Request, actor: DisputeRegistrar) -> HTMLResponse:
    return _register_page(request, {"source": "committee"}, {})


@router.post("/mediation/new")
async def register(
    request: Request, session: DbSession, actor: DisputeRegistrar, ctx: MediationCtx
) -> Response:
    form, _ = await read(request)
    data: dict[str, Any] = {
        k: form.get(k)
        for k in ("kind", "source", "title", "facts", "division_code", "place", "referring_body")
    }
    data["case_codes"] = form.get("case_codes", "").replace("，", " ").replace(",", " ").split()
    data["parties"] = rows(form, "party", PARTY_FIELDS, PARTY_ROWS, "name")
    try:
        with session.begin_nested():
            result = intake.register(session, ctx, actor, parse(DisputeIn, data))
    except ZhiliError as refused:
        return _register_page(request, form, refused.form_errors(), refused.status)
    return see_other(request, f"/mediation/disputes/{result.dispute.code}")


def _dispute_page(
    request: Request,
    session: Session,
    actor: Actor,
    ctx: Any,
    code: str,
    *,
    failed: str = "",
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    dispute = disputes.get_readable(session, actor, code)
    detail = views.detail(session, actor, dispute, ctx.cipher)
    committees = [
        (str(c.id), f"{c.name}（{TRACK_LABELS[c.track]}）")
        for c in disputes.committees(session)
        if c.active and dispute.division_code.startswith(c.division_code)
    ]
    mediators = (
        [
            (str(m.id), f"{m.name}（在办 {load} 件）")
            for m, _name, load in disputes.mediators_with_load(session, committee_id=dispute.committee_id)
        ]
        if dispute.committee_id
        else []
    )
    context = {
        "d": detail,
        "names": divisions.names_of(session, {dispute.division_code}),
        "actions": caseload.actions(actor, dispute),
        "next_step": caseload.next_step(dispute),
        "primary": caseload.primary_action(dispute),
        "deadline": caseload.deadline(dispute, ctx.tz),
        "tracks": [(t.value, label) for t, label in TRACK_LABELS.items()],
        "committees": committees,
        "mediators": mediators,
        "next_paths": [(p.value, label) for p, label in NEXT_PATH_LABELS.items()],
        "failed": failed,
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "mediation/dispute.html", context, status=status)


@router.get("/mediation/disputes/{dispute_code}", response_class=HTMLResponse)
def dispute_page(
    request: Request, dispute_code: str, session: DbSession, actor: DisputeReader, ctx: MediationCtx
) -> HTMLResponse:
    return _dispute_page(request, session, actor, ctx, dispute_code)


def _step_body(form: dict[str, str], multi: dict[str, list[str]]) -> DisputeStepIn:
    data: dict[str, Any] = {k: form.get(k) for k in STEP_FIELDS}
    attendees = multi.get("attendees", [])
    if any(not a.isdigit() for a in attendees):
        raise ValidationFailed("到场当事人序号不正确", field="attendees")
    data["attendees"] = [int(a) for a in attendees]
    data["confirmed"] = flag(form.get("confirmed"))
    data["performed"] = flag(form.get("performed"))
    return parse(DisputeStepIn, data)


@router.post("/mediation/disputes/{dispute_code}/act/{action}")
async def act(
    request: Request,
    dispute_code: str,
    action: str,
    session: DbSession,
    actor: DisputeMediator,
    ctx: MediationCtx,
) -> Response:
    form, multi = await read(request)
    try:
        with session.begin_nested():
            dispute = service.act(session, ctx, actor, dispute_code, action, _step_body(form, multi))
    except ZhiliError as refused:
        if not can_mediate(actor) or refused.status in (403, 404):
            raise
        form["attendees"] = ",".join(multi.get("attendees", []))
        return _dispute_page(
            request,
            session,
            actor,
            ctx,
            dispute_code,
            failed=action,
            form=form,
            errors=refused.form_errors(),
            status=refused.status,
        )
    return see_other(request, f"/mediation/disputes/{dispute.code}")


@router.get("/mediation/committees/{committee_id}", response_class=HTMLResponse)
def committee_page(
    request: Request, committee_id: fields.Id, session: DbSession, actor: DisputeReader, ctx: MediationCtx
) -> HTMLResponse:
    committee = disputes.get_committee(session, actor, committee_id)
    today = ctx.now().astimezone(ctx.tz).date()
    mediators = disputes.mediators_with_load(session, committee_id=committee.id)
    context = {
        "c": committee,
        "names": divisions.names_of(session, {committee.division_code} | {m.area for m, _n, _l in mediators}),
        "track_label": TRACK_LABELS[committee.track],
        "rows": [
            caseload.row(session, d, ctx.tz, today)
            for d in disputes.committee_disputes(session, actor, committee.id)
        ],
        "mediators": mediators,
        "kind_labels": {k.value: label for k, label in KIND_LABELS.items()},
        "warnings": _warnings(session, actor, ctx, committee.division_code),
        "may_register": can_register_dispute(actor),
    }
    return render(request, "mediation/committee.html", context)
