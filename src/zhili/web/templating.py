"""Jinja2 environment shared by every domain's pages, and the web error renderer."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from zhili import __version__
from zhili.csrf import csrf_token
from zhili.kernel.clock import as_aware, local_zone, utcnow
from zhili.settings import Settings
from zhili.web.assets import asset_url

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
templates.env.globals.update(
    asset=asset_url,
    csrf_token=csrf_token,
    version=__version__,
)


def is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    ctx = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csp_nonce": getattr(request.state, "csp_nonce", ""),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status)


def render_form(
    request: Request, name: str, form: Any, errors: dict[str, str], status: int = 200, **context: Any
) -> HTMLResponse:
    """An add/edit page: the form as sent, each refusal next to its field, and the ``saved`` flag
    that the redirect after a successful save sets (``?saved=1``)."""
    page = {"form": form, "errors": errors, "saved": request.query_params.get("saved"), **context}
    return render(request, name, page, status=status)


def render_error(request: Request, status: int, body: dict[str, Any]) -> Response:
    """A toast for htmx requests, a full Chinese error page otherwise."""
    message = str(body.get("message", "请求无效"))
    if is_htmx(request):
        # ASCII-escaped JSON: headers are latin-1, and JSON.parse restores the Chinese text.
        trigger = json.dumps({"zhili-toast": {"level": "error", "message": message}})
        # HX-Reswap none: the toast says it; the page under it stays as it was.
        return Response(
            message,
            status_code=status,
            media_type="text/plain; charset=utf-8",
            headers={"HX-Trigger": trigger, "HX-Reswap": "none"},
        )
    if status == 401:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return render(
        request,
        "error.html",
        {"status": status, "message": message, "field": body.get("field")},
        status=status,
    )


def see_other(request: Request, location: str) -> Response:
    """After a successful POST: a 303 for a plain form, ``HX-Redirect`` for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def configure(settings: Settings) -> None:
    """The city's zone for every template, macros imported without context included."""
    templates.env.globals["timezone"] = settings.timezone


def _zone(context: Context) -> ZoneInfo:
    return local_zone(context["timezone"])


@pass_context
def local_time(context: Context, moment: datetime | None) -> str:
    """A stored UTC time shown in the city's zone (ZHILI_TIMEZONE)."""
    if moment is None:
        return ""
    return as_aware(moment).astimezone(_zone(context)).strftime("%Y-%m-%d %H:%M:%S")


@pass_context
def short_time(context: Context, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return as_aware(moment).astimezone(_zone(context)).strftime("%m-%d %H:%M")


def iso_time(moment: datetime | None) -> str:
    """For data attributes the countdown script reads."""
    return as_aware(moment).isoformat() if moment else ""


def countdown(due: datetime | None, now: datetime | None = None) -> str:
    """``剩 3 小时 20 分`` or ``超期 1 天 2 小时``: what the countdown script also writes each minute."""
    if due is None:
        return ""
    left = (as_aware(due) - (now or utcnow())).total_seconds()
    minutes = int(abs(left) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        text = f"{days} 天 {hours} 小时"
    elif hours:
        text = f"{hours} 小时 {mins} 分"
    else:
        text = f"{mins} 分钟"
    return ("超期 " if left < 0 else "剩 ") + text


def waited(since: datetime | None, now: datetime | None = None) -> str:
    """How long something has waited: ``已等 2 天 3 小时``."""
    if since is None:
        return ""
    minutes = max(0, int(((now or utcnow()) - as_aware(since)).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"已等 {days} 天 {hours} 小时"
    if hours:
        return f"已等 {hours} 小时 {mins} 分"
    return f"已等 {mins} 分钟"


def is_past(due: datetime | None) -> bool:
    return due is not None and as_aware(due) < utcnow()


def toast_trigger(message: str, level: str = "ok") -> str:
    """An ``HX-Trigger`` value showing a toast (ASCII-escaped JSON, as headers are latin-1)."""
    return json.dumps({"zhili-toast": {"level": level, "message": message}})


templates.env.filters.update(
    local_time=local_time, short_time=short_time, iso_time=iso_time, countdown=countdown, waited=waited
)
templates.env.tests["past"] = is_past
