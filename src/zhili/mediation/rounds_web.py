"""矛盾纠纷排查 pages: the rounds in reach with the form of a new round (up to five findings), one
round with a one-click form per finding to register it as a dispute (its two parties' names)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.errors import ZhiliError
from zhili.kernel import fields
from zhili.mediation import repository as disputes
from zhili.mediation import rounds
from zhili.mediation.deps import MediationCtx
from zhili.mediation.forms import FINDING_FIELDS, FINDING_ROWS, PARTY_FIELDS, parse, read, rows
from zhili.mediation.policy import DisputeReader, RoundRecorder, can_check_disputes
from zhili.mediation.schemas import FindingDisputeIn, RoundIn
from zhili.mediation.states import KIND_LABELS
from zhili.mediation.views import round_out
from zhili.web.paging import CAP as ROUNDS_CAP
from zhili.web.paging import pager, total_text, usable_cursor
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
FINDING_PARTIES = 2
ROUNDS_PAGE = 100  # rounds per page of the list


def _rounds_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    size: int = ROUNDS_PAGE,
) -> HTMLResponse:
    cursor, message = usable_cursor(request.query_params.get(disputes.ROUNDS), disputes.ROUNDS, date)
    found, following = disputes.rounds_page(session, actor, limit=size, cursor=cursor)
    listed = [round_out(session, r) for r in found]
    params = {"size": str(size)} if size != ROUNDS_PAGE else {}
    if cursor:
        params[disputes.ROUNDS] = cursor
    total, capped = disputes.count_rounds(session, actor, ROUNDS_CAP)
    context = {
        "rounds": listed,
        "pager": pager(
            request.url.path,
            params,
            disputes.ROUNDS,
            following,
            total_text(total, capped, unit="次"),
            message,
            empty=not found,
        ),
        "names": divisions.names_of(session, {r.division_code for r in listed}),
        "kinds": [(k.value, label) for k, label in KIND_LABELS.items()],
        "finding_rows": range(1, FINDING_ROWS + 1),
        "may_check": can_check_disputes(actor),
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "mediation/rounds.html", context, status=status)


@router.get("/mediation/rounds", response_class=HTMLResponse)
def rounds_page(
    request: Request,
    session: DbSession,
    actor: DisputeReader,
    size: Annotated[int, Query(ge=1, le=ROUNDS_PAGE)] = ROUNDS_PAGE,
) -> HTMLResponse:
    return _rounds_page(request, session, actor, size=size)


@router.post("/mediation/rounds")
async def add_round(
    request: Request, session: DbSession, actor: RoundRecorder, ctx: MediationCtx
) -> Response:
    form, _ = await read(request)
    data: dict[str, Any] = {k: form.get(k) for k in ("division_code", "checked_on", "checkers", "summary")}
    data["findings"] = rows(form, "finding", FINDING_FIELDS, FINDING_ROWS, "description")
    try:
        with session.begin_nested():
            check = rounds.record(session, ctx, actor, parse(RoundIn, data))
    except ZhiliError as refused:
        return _rounds_page(request, session, actor, form, refused.form_errors(), refused.status)
    return see_other(request, f"/mediation/rounds/{check.id}")


def _round_page(
    request: Request,
    session: Session,
    actor: Actor,
    round_id: int,
    *,
    failed: int = 0,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    check = disputes.get_round(session, actor, round_id)
    context = {
        "r": round_out(session, check),
        "names": divisions.names_of(session, {check.division_code}),
        "may_check": can_check_disputes(actor),
        "failed": failed,
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "mediation/round.html", context, status=status)


@router.get("/mediation/rounds/{round_id}", response_class=HTMLResponse)
def round_page(
    request: Request, round_id: fields.Id, session: DbSession, actor: DisputeReader
) -> HTMLResponse:
    return _round_page(request, session, actor, round_id)


@router.post("/mediation/rounds/{round_id}/findings/{position}/dispute")
async def register_finding(
    request: Request,
    round_id: fields.Id,
    position: fields.Id,
    session: DbSession,
    actor: RoundRecorder,
    ctx: MediationCtx,
) -> Response:
    form, _ = await read(request)
    data: dict[str, Any] = {
        "title": form.get("title"),
        "parties": rows(form, "party", PARTY_FIELDS, FINDING_PARTIES, "name"),
    }
    try:
        with session.begin_nested():
            dispute = rounds.register_finding(
                session, ctx, actor, round_id, position, parse(FindingDisputeIn, data)
            )
    except ZhiliError as refused:
        if refused.status in (403, 404):
            raise
        return _round_page(
            request,
            session,
            actor,
            round_id,
            failed=position,
            form=form,
            errors=refused.form_errors(),
            status=refused.status,
        )
    return see_other(request, f"/mediation/disputes/{dispute.code}")
