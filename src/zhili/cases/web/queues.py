"""Work lists: the 派单 queue, the 承办单位 inbox and the 回访 worklist.

Each list starts from ``readable_cases(actor)``, so a workbench never shows a case outside the
user's jurisdiction, and each row carries its running deadline for the countdown and overdue marks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases import repository
from zhili.cases.context import CaseContext
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


def by_due(rows: list[CaseRow]) -> list[CaseRow]:
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


# -- the sections of each list: one statement per section, for the page and for one row after an action


def _unlocated(actor: Actor, _state: str) -> Select[Case]:
    return repository.unlocated(actor)


def _new(actor: Actor, _state: str) -> Select[Case]:
    located = readable_cases(actor).where(Case.state == S.received, Case.division_code.is_not(None))
    return located.order_by(Case.received_at)


def _returns(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.return_requested).order_by(Case.updated_at)


def _extensions(actor: Actor, _state: str) -> Select[Case]:
    pending = Case.extension_requested.is_not(None), Case.state.in_(HANDLING_STATES)
    return readable_cases(actor).where(*pending).order_by(Case.updated_at)


def _late(actor: Actor, _state: str) -> Select[Case]:
    late_states = OPEN_STATES - {S.received, S.return_requested, S.merged}
    flagged = or_(Case.overdue.is_(True), Case.warning.is_(True))
    return readable_cases(actor).where(flagged, Case.state.in_(late_states)).order_by(Case.feedback_due)


def inbox_states(state: str) -> list[CaseState]:
    """The inbox's 状态 tab: one state, or every state a lead unit works in."""
    return [CaseState(state)] if state in {s.value for s in INBOX_STATES} else list(INBOX_STATES)


def _lead(actor: Actor, state: str) -> Select[Case]:
    mine = Case.lead_unit_id == actor.unit_id, Case.state.in_(inbox_states(state))
    return readable_cases(actor).where(*mine).order_by(Case.received_at)


def _co(actor: Actor, _state: str) -> Select[Case]:
    called = exists().where(
        CaseAssignment.case_id == Case.id,
        CaseAssignment.unit_id == actor.unit_id,
        CaseAssignment.role == AssignmentRole.co,
        CaseAssignment.status.in_((AssignmentStatus.called, AssignmentStatus.checked_in)),
    )
    working = Case.state.in_((S.signed, S.contacted))
    return readable_cases(actor).where(called, working).order_by(Case.received_at)


def _to_visit(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.reported).order_by(Case.reported_at)


def _visited(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.visited).order_by(Case.visited_at)


@dataclass(frozen=True)
class Section:
    """One list of a workbench: its rows' statement (scoped, ordered) and what the list is called."""

    name: str
    label: str
    select: Callable[[Actor, str], Select[Case]]


# Each workbench's sections, in page order; an action's row is found again through these.
SECTIONS: dict[str, tuple[Section, ...]] = {
    "/work/dispatch": (
        Section("unlocated", "待定位", _unlocated),
        Section("new", "待派单", _new),
        Section("returns", "退单审核", _returns),
        Section("extensions", "延期申请", _extensions),
        Section("late", "超期督办", _late),
    ),
    "/work/inbox": (Section("lead", "主办诉求", _lead), Section("co", "协办诉求", _co)),
    "/work/visits": (Section("visits", "待回访", _to_visit), Section("visited", "已回访待办结", _visited)),
}


def return_reasons(session: Session, case_ids: list[int]) -> dict[int, str]:
    return _latest_notes(session, case_ids, "return")


# -- 派单 ---------------------------------------------------------------------------------------------


@router.get("/work/dispatch", response_class=HTMLResponse)
def dispatch_queue(request: Request, session: DbSession, actor: Dispatcher) -> HTMLResponse:
    unlocated = case_rows(session, _cases(session, _unlocated(actor, "")))
    new = case_rows(session, _cases(session, _new(actor, "")))
    suggestions = suggestions_for(session, category_model(request), [row.case for row in new])
    # Low-confidence and unrouted cases first: they are the ones that need a person. The order is
    # set when the page loads; an action changes its row in place and never re-sorts the list.
    new.sort(key=lambda row: not suggestions[row.case.id].needs_review)
    returns = case_rows(session, _cases(session, _returns(actor, "")))
    context = {
        "unlocated": unlocated,
        "new": new,
        "suggestions": suggestions,
        "returns": returns,
        "return_reasons": return_reasons(session, [r.case.id for r in returns]),
        "extensions": case_rows(session, _cases(session, _extensions(actor, ""))),
        "late": by_due(case_rows(session, _cases(session, _late(actor, "")))),
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
    one = len(inbox_states(state)) == 1
    co = case_rows(session, _cases(session, _co(actor, state)))
    context = {
        "lead": by_due(case_rows(session, _cases(session, _lead(actor, state)))),
        "co": co,
        "co_status": co_statuses(session, [r.case.id for r in co], actor.unit_id),
        "state": state if one else "",
        "tabs": [(s.value, STATE_LABELS[s]) for s in INBOX_STATES],
        "next": "/work/inbox" + (f"?state={state}" if one else ""),
    }
    return page_or_fragment(request, "work/inbox.html", "work/_inbox_body.html", context)


def co_statuses(session: Session, case_ids: list[int], unit_id: int | None) -> dict[int, str]:
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
    rows = case_rows(session, _cases(session, _to_visit(actor, "")))
    context = {
        "rows": rows,
        "phones": callback_phones(ctx, actor, rows),
        # Visited but not closed: the 回访 found it unresolved and automatic 重办 is off.
        "visited": case_rows(session, _cases(session, _visited(actor, ""))),
        "can_reopen": can_take_action(actor, RULES["reopen"]),
        "satisfaction": [(k.value, v) for k, v in SATISFACTION_LABELS.items()],
        "next": "/work/visits",
    }
    return page_or_fragment(request, "work/visits.html", "work/_visits_body.html", context)


def callback_phones(ctx: CaseContext, actor: Actor, rows: list[CaseRow]) -> dict[int, str]:
    """The number to call, in full to the 回访 role only (cases.policy decides)."""
    if not can_see_callback_phone(actor):
        return {}
    return {row.case.id: ctx.cipher.decrypt(row.case.citizen_phone_enc) or "" for row in rows}
