"""Work lists: the 派单 queue, the 承办单位 inbox and the 回访 worklist.

Each list starts from ``readable_cases(actor)``, so a workbench never shows a case outside the
user's jurisdiction, and each row carries its running deadline for the countdown and overdue marks.
"""

from __future__ import annotations

from typing import Annotated

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
from zhili.cases.web.paging import LIST_LIMIT, Section, list_params, read_section
from zhili.cases.web.suggest import category_model, suggestions_for
from zhili.deps import DbSession
from zhili.kernel.clock import as_aware
from zhili.web.paging import Pager, link

router = APIRouter(include_in_schema=False)

S = CaseState
INBOX_STATES = (S.dispatched, S.signed, S.contacted, S.return_requested, S.reported)


def by_due(rows: list[CaseRow]) -> list[CaseRow]:
    """Soonest deadline first; rows without a running deadline last."""
    return sorted(rows, key=lambda r: as_aware(r.due).timestamp() if r.due else float("inf"))


def _latest_notes(session: Session, case_ids: list[int], action: str) -> dict[int, str]:
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseEvent.case_id, CaseEvent.note)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action == action)
        .order_by(CaseEvent.seq)
    )
    return {case_id: note or "" for case_id, note in rows}


# -- the sections of each list: one statement per section, for the page and for one row after an
# action; each is ordered by its Section.key (ascending, ties by id) and paged by that order.


def _unlocated(actor: Actor, _state: str) -> Select[Case]:
    return repository.unlocated(actor)


def _new(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.received, Case.division_code.is_not(None))


def _returns(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.return_requested)


def _extensions(actor: Actor, _state: str) -> Select[Case]:
    pending = Case.extension_requested.is_not(None), Case.state.in_(HANDLING_STATES)
    return readable_cases(actor).where(*pending)


def _late(actor: Actor, _state: str) -> Select[Case]:
    late_states = OPEN_STATES - {S.received, S.return_requested, S.merged}
    flagged = or_(Case.overdue.is_(True), Case.warning.is_(True))
    return readable_cases(actor).where(flagged, Case.state.in_(late_states))


def inbox_states(state: str) -> list[CaseState]:
    """The inbox's 状态 tab: one state, or every state a lead unit works in."""
    return [CaseState(state)] if state in {s.value for s in INBOX_STATES} else list(INBOX_STATES)


def _lead(actor: Actor, state: str) -> Select[Case]:
    mine = Case.lead_unit_id == actor.unit_id, Case.state.in_(inbox_states(state))
    return readable_cases(actor).where(*mine)


def _co(actor: Actor, _state: str) -> Select[Case]:
    called = exists().where(
        CaseAssignment.case_id == Case.id,
        CaseAssignment.unit_id == actor.unit_id,
        CaseAssignment.role == AssignmentRole.co,
        CaseAssignment.status.in_((AssignmentStatus.called, AssignmentStatus.checked_in)),
    )
    working = Case.state.in_((S.signed, S.contacted))
    return readable_cases(actor).where(called, working)


def _to_visit(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.reported)


def _visited(actor: Actor, _state: str) -> Select[Case]:
    return readable_cases(actor).where(Case.state == S.visited)


# Each workbench's sections, in page order; an action's row is found again through these.
SECTIONS: dict[str, tuple[Section, ...]] = {
    "/work/dispatch": (
        Section("unlocated", "待定位", _unlocated, Case.received_at),
        Section("new", "待派单", _new, Case.received_at),
        Section("returns", "退单审核", _returns, Case.updated_at),
        Section("extensions", "延期申请", _extensions, Case.updated_at),
        Section("late", "超期督办", _late, Case.feedback_due),
    ),
    "/work/inbox": (
        Section("lead", "主办诉求", _lead, Case.received_at),
        Section("co", "协办诉求", _co, Case.received_at),
    ),
    "/work/visits": (
        Section("visits", "待回访", _to_visit, Case.reported_at),
        Section("visited", "已回访待办结", _visited, Case.visited_at),
    ),
}
PageSize = Annotated[int, Query(ge=1, le=LIST_LIMIT)]


def read_lists(
    request: Request, session: Session, actor: Actor, path: str, *, state: str = "", size: int = LIST_LIMIT
) -> tuple[dict[str, list[CaseRow]], dict[str, Pager], str]:
    """One page of each section of the workbench at ``path``: its rows, its pager, and the URL that
    brings the user back to these pages after an action."""
    params, bad = list_params(request, SECTIONS[path])
    if not state:
        params.pop("state", None)
    rows, pagers = {}, {}
    for section in SECTIONS[path]:
        cases, pager = read_section(
            session,
            actor,
            section,
            path=path,
            params=params,
            state=state,
            size=size,
            bad_cursor=section.name in bad,
        )
        rows[section.name], pagers[section.name] = case_rows(session, cases), pager
    return rows, pagers, link(path, params)


def return_reasons(session: Session, case_ids: list[int]) -> dict[int, str]:
    return _latest_notes(session, case_ids, "return")


# -- 派单 ---------------------------------------------------------------------------------------------


@router.get("/work/dispatch", response_class=HTMLResponse)
def dispatch_queue(
    request: Request, session: DbSession, actor: Dispatcher, size: PageSize = LIST_LIMIT
) -> HTMLResponse:
    lists, pagers, here = read_lists(request, session, actor, "/work/dispatch", size=size)
    new = lists["new"]
    suggestions = suggestions_for(session, category_model(request), [row.case for row in new])
    # Low-confidence and unrouted cases first: they are the ones that need a person. The order is
    # set when the page loads; an action changes its row in place and never re-sorts the list.
    new.sort(key=lambda row: not suggestions[row.case.id].needs_review)
    context = {
        **lists,
        "suggestions": suggestions,
        "return_reasons": return_reasons(session, [r.case.id for r in lists["returns"]]),
        "late": by_due(lists["late"]),
        "pagers": pagers,
        "next": here,
    }
    return page_or_fragment(request, "work/dispatch.html", "work/_dispatch_body.html", context)


# -- 承办单位 ------------------------------------------------------------------------------------------


@router.get("/work/inbox", response_class=HTMLResponse)
def unit_inbox(
    request: Request,
    session: DbSession,
    actor: HandlingUnit,
    state: Annotated[str, Query(max_length=24)] = "",
    size: PageSize = LIST_LIMIT,
) -> HTMLResponse:
    state = state if len(inbox_states(state)) == 1 else ""
    lists, pagers, here = read_lists(request, session, actor, "/work/inbox", state=state, size=size)
    context = {
        "lead": by_due(lists["lead"]),
        "co": lists["co"],
        "co_status": co_statuses(session, [r.case.id for r in lists["co"]], actor.unit_id),
        "state": state,
        "tabs": [(s.value, STATE_LABELS[s]) for s in INBOX_STATES],
        "pagers": pagers,
        "next": here,
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
def visit_worklist(
    request: Request, session: DbSession, ctx: CaseCtx, actor: VisitCaller, size: PageSize = LIST_LIMIT
) -> HTMLResponse:
    lists, pagers, here = read_lists(request, session, actor, "/work/visits", size=size)
    context = {
        "rows": lists["visits"],
        "phones": callback_phones(ctx, actor, lists["visits"]),
        # Visited but not closed: the 回访 found it unresolved and automatic 重办 is off.
        "visited": lists["visited"],
        "can_reopen": can_take_action(actor, RULES["reopen"]),
        "satisfaction": [(k.value, v) for k, v in SATISFACTION_LABELS.items()],
        "pagers": pagers,
        "next": here,
    }
    return page_or_fragment(request, "work/visits.html", "work/_visits_body.html", context)


def callback_phones(ctx: CaseContext, actor: Actor, rows: list[CaseRow]) -> dict[int, str]:
    """The number to call, in full to the 回访 role only (cases.policy decides)."""
    if not can_see_callback_phone(actor):
        return {}
    return {row.case.id: ctx.cipher.decrypt(row.case.citizen_phone_enc) or "" for row in rows}
