"""Mediation pages: a mediator's caseload (the disputes in reach, by state, with the figures of the
reader's streets) and one dispute (parties as the reader may see them, sessions, steps, the
协议书). Steps are taken through the API (docs/mediation.md)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from zhili.deps import DbSession
from zhili.mediation import repository as disputes
from zhili.mediation import views
from zhili.mediation.deps import MediationCtx
from zhili.mediation.policy import DisputeReader
from zhili.mediation.states import STATE_LABELS, DisputeState
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/mediation", response_class=HTMLResponse)
def caseload(request: Request, session: DbSession, actor: DisputeReader, state: str = "") -> HTMLResponse:
    chosen = DisputeState(state) if state in {s.value for s in DisputeState} else None
    context = {
        "disputes": [views.summary(session, d) for d in disputes.list_disputes(session, actor, state=chosen)],
        "state": state if chosen else "",
        "states": [(s.value, label) for s, label in STATE_LABELS.items()],
        "figures": disputes.figures(session, actor, "street"),
    }
    return render(request, "mediation/caseload.html", context)


@router.get("/mediation/disputes/{dispute_code}", response_class=HTMLResponse)
def dispute_page(
    request: Request, dispute_code: str, session: DbSession, actor: DisputeReader, ctx: MediationCtx
) -> HTMLResponse:
    detail = views.detail(session, actor, disputes.get_readable(session, actor, dispute_code), ctx.cipher)
    return render(request, "mediation/dispute.html", {"d": detail})
