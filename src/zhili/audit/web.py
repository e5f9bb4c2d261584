"""Admin pages for the audit log: the latest entries with filters, and a check of the keyed hash chain
against its anchors."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from zhili.audit import anchors, repository, service
from zhili.audit.labels import ACTIONS, action_label
from zhili.audit.models import AuditEntry
from zhili.audit.policy import AuditReader
from zhili.deps import DbSession
from zhili.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)


PAGE_SIZE = 50


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    session: DbSession,
    _admin: AuditReader,
    action: Annotated[str, Query(max_length=64)] = "",
    actor: Annotated[str, Query(max_length=64)] = "",
    target: Annotated[str, Query(max_length=64)] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    filters = {"action": action.strip(), "actor": actor.strip(), "target": target.strip()}
    entries, total = repository.latest_entries(
        session,
        action=filters["action"],
        actor=filters["actor"],
        target=filters["target"],
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(number: int) -> str:
        params = {key: value for key, value in filters.items() if value}
        return "/admin/audit?" + urlencode({**params, "page": number})

    context: dict[str, Any] = {
        "action_labels": action_label,
        "action_choices": sorted(ACTIONS.items(), key=lambda item: item[0]),
        "filters": filters,
        "entries": entries,
        "total": total,
        "page": page,
        "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
    }
    fragment = is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"
    response = render(request, "admin/_audit_table.html" if fragment else "admin/audit.html", context)
    response.headers["Vary"] = "HX-Request"
    return response


@router.post("/admin/audit/verify", response_class=HTMLResponse)
def verify_submit(request: Request, session: DbSession, _admin: AuditReader) -> HTMLResponse:
    """The chain checked with the key and against the anchor file (an unreadable line is a failure)."""
    try:
        pinned = anchors.read(request.app.state.settings.resolved_audit_anchor_file)
    except anchors.AnchorError as exc:
        result = service.VerifyResult(0, 0, f"{exc}：锚点文件被改动")
    else:
        result = service.verify(session, pinned)
    broken = session.get(AuditEntry, result.broken_seq) if result.broken_seq is not None else None
    context = {"result": result, "broken": broken, "action_labels": action_label}
    return render(request, "admin/audit_verify.html", context)
