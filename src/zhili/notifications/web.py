"""The admin page of failed messages (短信发送失败), with a 重发 button per message."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from zhili.deps import DbSession
from zhili.errors import ZhiliError
from zhili.kernel.crypto import cipher_for
from zhili.notifications import service
from zhili.notifications.api import resend_and_audit
from zhili.notifications.policy import OutboxAdmin
from zhili.notifications.schemas import message_out
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: DbSession, notice: str = "", status: int = 200) -> HTMLResponse:
    settings = request.app.state.settings
    cipher = cipher_for(settings.data_key, settings.secret_key)
    messages = [message_out(m, cipher) for m in service.failed_messages(session)]
    context = {"messages": messages, "notice": notice, "max_attempts": settings.sms_max_attempts}
    return render(request, "admin/notifications.html", context, status=status)


@router.get("/admin/notifications", response_class=HTMLResponse)
def failed_page(request: Request, session: DbSession, _admin: OutboxAdmin) -> HTMLResponse:
    return _page(request, session)


@router.post("/admin/notifications/{message_id}/resend", response_class=HTMLResponse, response_model=None)
def resend_submit(
    message_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    request: Request,
    session: DbSession,
    admin: OutboxAdmin,
) -> HTMLResponse | RedirectResponse:
    try:
        resend_and_audit(request, session, admin.username, message_id)
    except ZhiliError as exc:
        return _page(request, session, exc.message, status=exc.status)
    return RedirectResponse("/admin/notifications?resent=1", status_code=303)
