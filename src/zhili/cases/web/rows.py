"""One row of a work list after an action on it, answered in place of the list.

A row of the 派单 queue, the inbox or the 回访 worklist is its own htmx target (``row-<section>-<code>``,
templates/work/_rows.html). After an action the workbench gets back that row as the case now is, in
the same place, or a "done" line where it was when the case has left the list; a case that moved to
another list of the same workbench (located → 待派单, 退单 approved → 待派单) is appended to that list.
The other rows are not re-fetched, so nothing re-sorts under the hand working through them.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases import repository
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.transitions import RULES
from zhili.cases.models import Case
from zhili.cases.policy import can_take_action
from zhili.cases.states import STATE_LABELS
from zhili.cases.web.common import CaseRow, case_rows
from zhili.cases.web.paging import Section
from zhili.cases.web.queues import SECTIONS, callback_phones, co_statuses, return_reasons
from zhili.cases.web.suggest import category_model, suggestions_for
from zhili.errors import NotFound
from zhili.web.templating import render, toast_trigger

ROW_ID = re.compile(r"^row-([a-z]+)-([A-Za-z0-9]+)$")


def acted_row(request: Request) -> str | None:
    """The section of the list row an htmx action came from (its ``HX-Target``), if any."""
    match = ROW_ID.match(request.headers.get("HX-Target") or "")
    return match.group(1) if match else None


def _find(session: Session, actor: Actor, section: Section, state: str, code: str) -> Case | None:
    statement = section.select(actor, state).where(Case.code == code).order_by(None)
    return session.execute(statement).scalars().first()


def _extras(
    request: Request, session: Session, ctx: CaseContext, actor: Actor, name: str, rows: list[CaseRow]
) -> dict[str, object]:
    """What a section's row shows beside the case (as the list page computes it)."""
    ids = [row.case.id for row in rows]
    if name == "new":
        return {"suggestions": suggestions_for(session, category_model(request), [r.case for r in rows])}
    if name == "returns":
        return {"return_reasons": return_reasons(session, ids)}
    if name == "co":
        return {"co_status": co_statuses(session, ids, actor.unit_id)}
    if name == "visits":
        return {"phones": callback_phones(ctx, actor, rows)}
    if name == "visited":
        return {"can_reopen": can_take_action(actor, RULES["reopen"])}
    return {}


def row_after_action(
    request: Request,
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    code: str,
    next_url: str,
    message: str,
) -> HTMLResponse | None:
    """The acted-on row as it is now (or done), and the rows it moved to; None when the action did
    not come from a known list row (the case page, a plain form)."""
    name = acted_row(request)
    path = urlsplit(next_url)
    sections = SECTIONS.get(path.path, ())
    if name is None or name not in {s.name for s in sections}:
        return None
    state = (parse_qs(path.query).get("state") or [""])[0]
    session.flush()
    rows: list[dict[str, object]] = []
    case: Case | None = None
    for section in sections:
        found = _find(session, actor, section, state, code)
        if found is None:
            continue
        case = found
        row = case_rows(session, [found])
        extras = _extras(request, session, ctx, actor, section.name, row)
        rows.append({"section": section.name, "row": row[0], **extras})
    here = next((r for r in rows if r["section"] == name), None)
    moved = [r for r in rows if r["section"] != name]
    if case is None:
        try:
            case = repository.get_readable(session, actor, code)
        except NotFound:  # the action took the case out of the actor's sight (a 退单 approved elsewhere)
            case = None
    labels = {s.name: s.label for s in sections}
    where_now = "、".join(f"「{labels[str(r['section'])]}」" for r in moved)
    context = {
        "section": name,
        "note_section": name,
        "note_message": message.removeprefix(f"{code}："),
        "case": case,
        "here": here,
        "moved": moved,
        # The done line names the case already: "派单已完成", not "BJ…：派单已完成".
        "message": message.removeprefix(f"{code}：")
        + (f"，已移至{where_now}" if where_now and not here else ""),
        "code": code,
        "state_label": STATE_LABELS[case.state] if case else "",
        "next": next_url,
    }
    response = render(request, "work/_row_update.html", context)
    response.headers["HX-Trigger"] = toast_trigger(message)
    return response
