"""``POST /cases/{code}/phone``: the handling unit's one-click reveal of the citizen's phone (htmx)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from zhili.cases import reveal
from zhili.cases.deps import CaseCtx
from zhili.cases.policy import PhoneRevealer
from zhili.deps import DbSession
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)


@router.post("/cases/{code}/phone", response_class=HTMLResponse)
def reveal_phone(
    request: Request, code: str, session: DbSession, ctx: CaseCtx, actor: PhoneRevealer
) -> HTMLResponse:
    client_ip = request.client.host if request.client else None
    phone = reveal.reveal_phone(session, ctx, actor, code, client_ip)
    return render(request, "work/_phone.html", {"phone": phone, "code": code})
