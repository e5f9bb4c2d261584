"""A citizen's lookup page by code and phone tail (诉求, 信访件): the empty form, the answer, or the
refusal in the form's own words and status, all from one template."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import HTMLResponse

from zhili.errors import ZhiliError
from zhili.web.templating import render


def lookup_page(
    request: Request, template: str, code: str, phone_tail: str, look_up: Callable[[], object]
) -> HTMLResponse:
    """``look_up`` runs only when something was asked; its answer is the template's ``view``."""
    context: dict[str, object] = {"code": code, "phone_tail": phone_tail, "view": None, "error": None}
    if not code and not phone_tail:
        return render(request, template, context)
    try:
        context["view"] = look_up()
    except ZhiliError as exc:
        context["error"] = exc.message
        return render(request, template, context, status=exc.status)
    return render(request, template, context)
