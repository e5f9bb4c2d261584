"""Work lists: the 派单 queue, the 承办单位 inbox and the 回访 worklist.

Each list starts from ``readable_cases(actor)``, so a workbench never shows a case outside the
user's jurisdiction, and each row carries its running deadline for the countdown and overdue marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from zhili.cases import repository
from zhili.cases.deps import CaseCtx
from zhili.cases.lifecycle.transitions import RULES
from zhili.cases.models import Case, CaseAssignment, CaseEvent
from zhili.cases.policy import (
    Dispatcher,
    HandlingUnit,
    VisitCaller,
    can_see_callback_phone,
    can_take_action,
)
from zhili.cases.repository import readable_cases
from zhili.cases.states import (
    HANDLING_STATES,
    OPEN_STATES,
    SATISFACTION_LABELS,
    STATE_LABELS,
    AssignmentRole,
    AssignmentStatus,
    CaseState,
)
from zhili.cases.web.common import (
    CaseRow,
    case_rows,
    page_or_fragment,
)
from zhili.cases.web.suggest import category_model, suggestions_for
from zhili.deps import DbSession
from zhili.kernel.clock import as_aware

router = APIRouter(include_in_schema=False)

LIST_LIMIT = 100
S = CaseState
INBOX_STATES = (S.dispatched, S.signed, S.contacted, S.return_requested, S.reported)


def _by_due(rows: list[CaseRow]) -> list[CaseRow]:
    """Soonest deadline first; rows without a running deadline last."""
    return sorted(rows, key=lambda r: as_aware(r.due).timestamp() if r.due else float("inf"))


def _cases(session: Session, statement: Any) -> Sequence[Case]:
    return session.execute(statement.limit(LIST_LIMIT)).scalars().all()


def _latest_notes(session: Session, case_ids: list[int], action: str) -> dict[int, str]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.note)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action == action)
        .order_by(CaseEvent.seq)
    )
    return {case_id: note or "" for case_id, note in rows}


# -- 派单 ---------------------------------------------------------------------------------------------


@router.get("/work/dispatch", response_class=HTMLResponse)
def dispatch_queue(request: Request, session: DbSession, actor: Dispatcher) -> HTMLResponse:
    scoped = readable_cases(actor)
    unlocated = case_rows(session, _cases(session, repository.unlocated(actor)))
    located = scoped.where(Case.state == S.received, Case.division_code.is_not(None))
    new = case_rows(session, _cases(session, located.order_by(Case.received_at)))
    suggestions = suggestions_for(session, category_model(request), [row.case for row in new])
    # Low-confidence and unrouted cases first: they are the ones that need a person.
    new.sort(key=lambda row: not suggestions[row.case.id].needs_review)
    returns = case_rows(
        session, _cases(session, scoped.where(Case.state == S.return_requested).order_by(Case.updated_at))
    )
    extensions = case_rows(
        session,
        _cases(
            session,
            scoped.where(Case.extension_requested.is_not(None), Case.state.in_(HANDLING_STATES)).order_by(
                Case.updated_at
            ),
        ),
    )
    late_states = OPEN_STATES - {S.received, S.return_requested, S.merged}
    late = case_rows(
        session,
        _cases(
            session,
            scoped.where(
                or_(Case.overdue.is_(True), Case.warning.is_(True)), Case.state.in_(late_states)
            ).order_by(Case.feedback_due),
        ),
    )
    context = {
        "unlocated": unlocated,
        "new": new,
        "suggestions": suggestions,
        "returns": returns,
        "return_reasons": _latest_notes(session, [r.case.id for r in returns], "return"),
        "extensions": extensions,
        "late": _by_due(late),
        "next": "/work/dispatch",
    }
    return page_or_fragment(request, "work/dispatch.html", "work/_dispatch_body.html", context)


# -- 承办单位 ------------------------------------------------------------------------------------------


@router.get("/work/inbox", response_class=HTMLResponse)
def unit_inbox(
    request: Request,
    session: DbSession,
    actor: HandlingUnit,
    state: Annotated[str, Query(max_length=24)] = "",
) -> HTMLResponse:
    scoped = readable_cases(actor)
    wanted = [CaseState(state)] if state in {s.value for s in INBOX_STATES} else list(INBOX_STATES)
    lead = case_rows(
        session,
        _cases(
            session,
            scoped.where(Case.lead_unit_id == actor.unit_id, Case.state.in_(wanted)).order_by(
                Case.received_at
            ),
        ),
    )
    called = exists().where(
        CaseAssignment.case_id == Case.id,
        CaseAssignment.unit_id == actor.unit_id,
        CaseAssignment.role == AssignmentRole.co,
        CaseAssignment.status.in_((AssignmentStatus.called, AssignmentStatus.checked_in)),
    )
    co = case_rows(
        session,
        _cases(
            session, scoped.where(called, Case.state.in_((S.signed, S.contacted))).order_by(Case.received_at)
        ),
    )
    statuses = _co_statuses(session, [r.case.id for r in co], actor.unit_id)
    context = {
        "lead": _by_due(lead),
        "co": co,
        "co_status": statuses,
        "state": state if len(wanted) == 1 else "",
        "tabs": [(s.value, STATE_LABELS[s]) for s in INBOX_STATES],
        "next": "/work/inbox" + (f"?state={state}" if len(wanted) == 1 else ""),
    }
    return page_or_fragment(request, "work/inbox.html", "work/_inbox_body.html", context)


def _co_statuses(session: Session, case_ids: list[int], unit_id: int | None) -> dict[int, str]:
    if not case_ids or unit_id is None:
        return {}
    rows = session.execute(
        select(CaseAssignment.case_id, CaseAssignment.status).where(
            CaseAssignment.case_id.in_(case_ids),
            CaseAssignment.unit_id == unit_id,
            CaseAssignment.role == AssignmentRole.co,
        )
    )
    return {case_id: status.value for case_id, status in rows}


# -- 回访 ---------------------------------------------------------------------------------------------


@router.get("/work/visits", response_class=HTMLResponse)
def visit_worklist(request: Request, session: DbSession, ctx: CaseCtx, actor: VisitCaller) -> HTMLResponse:
    scoped = readable_cases(actor)
    rows = case_rows(
        session, _cases(session, scoped.where(Case.state == S.reported).order_by(Case.reported_at))
    )
    # The number to call, in full to the 回访 role only (cases.policy decides).
    phones = (
        {row.case.id: ctx.cipher.decrypt(row.case.citizen_phone_enc) or "" for row in rows}
        if can_see_callback_phone(actor)
        else {}
    )
    # Visited but not closed: the 回访 found it unresolved and automatic 重办 is off.
    visited = case_rows(
        session, _cases(session, scoped.where(Case.state == S.visited).order_by(Case.visited_at))
    )
    context = {
        "rows": rows,
        "phones": phones,
        "visited": visited,
        "can_reopen": can_take_action(actor, RULES["reopen"]),
        "satisfaction": [(k.value, v) for k, v in SATISFACTION_LABELS.items()],
        "next": "/work/visits",
    }
    return page_or_fragment(request, "work/visits.html", "work/_visits_body.html", context)
