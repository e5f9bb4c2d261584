"""The citizen's 申请调解 pages: apply for mediation of a dispute and track the application by its
code and phone tail. No login; rate-limited like the 12345 portal; tracking shows no personal data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from zhili.auth.policy import anyone
from zhili.deps import DbSession
from zhili.divisions.deps import DivisionResolver
from zhili.errors import ZhiliError
from zhili.kernel.ratelimit import limits_for, rate_limit
from zhili.mediation import applications, tracking
from zhili.mediation.deps import MediationCtx
from zhili.mediation.schemas import ApplicationIn
from zhili.mediation.states import KIND_LABELS
from zhili.web.lookup_page import lookup_page
from zhili.web.templating import render
from zhili.web.validation import field_errors

router = APIRouter(include_in_schema=False, dependencies=[anyone.depends])

SUBMIT_LIMIT = Depends(rate_limit("dispute-apply", 10))
TRACK_LIMIT = Depends(rate_limit("dispute-track", 30))
FIELDS = (
    "kind",
    "address",
    "facts",
    "name",
    "phone",
    "id_number",
    "other_name",
    "other_phone",
)
LABELS = {
    "kind": "纠纷类型",
    "address": "纠纷发生地址",
    "facts": "纠纷经过和请求",
    "name": "姓名",
    "phone": "手机号码",
    "id_number": "身份证号",
    "other_name": "对方当事人",
    "other_phone": "对方电话",
}


def _form(request: Request, form: dict[str, str], errors: dict[str, str], status: int = 200) -> HTMLResponse:
    kinds = [(k.value, label) for k, label in KIND_LABELS.items()]
    context = {"form": form, "errors": errors, "kinds": kinds}
    return render(request, "mediation/portal_apply.html", context, status=status)


@router.get("/portal/dispute", response_class=HTMLResponse)
def application_form(request: Request) -> HTMLResponse:
    return _form(request, {}, {})


@router.post("/portal/dispute", response_class=HTMLResponse, dependencies=[SUBMIT_LIMIT])
async def apply(
    request: Request, session: DbSession, ctx: MediationCtx, resolver: DivisionResolver
) -> HTMLResponse:
    data = await request.form()
    form = {k: str(data.get(k) or "").strip()[:6000] for k in FIELDS}
    try:
        body = ApplicationIn.model_validate({k: v for k, v in form.items() if v})
    except ValidationError as exc:
        return _form(request, form, field_errors(exc, LABELS), status=422)
    try:
        with session.begin_nested():
            dispute = applications.apply(session, ctx, resolver, body)
    except ZhiliError as exc:
        return _form(request, form, exc.form_errors(), status=exc.status)
    context = {"code": dispute.code, "tail": form["phone"][-4:]}
    return render(request, "mediation/portal_applied.html", context, status=201)


@router.get("/portal/dispute/track", response_class=HTMLResponse, dependencies=[TRACK_LIMIT])
def track(
    request: Request,
    session: DbSession,
    ctx: MediationCtx,
    code: Annotated[str, Query(max_length=40)] = "",
    phone_tail: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    def look_up() -> object:
        dispute = tracking.track(session, ctx, code, phone_tail, limits_for(request.app))
        return tracking.tracked(session, dispute)

    return lookup_page(request, "mediation/portal_track.html", code, phone_tail, look_up)
