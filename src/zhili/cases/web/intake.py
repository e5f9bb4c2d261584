"""坐席 intake: the form, live suggestions while the operator types, 直接办结 from a knowledge entry,
and the tracking code once the demand is in. The form goes through ``flows.take_demand`` and, for
直接办结, ``lifecycle.perform``: the same services as ``POST /api/cases``."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases import flows
from zhili.cases.deps import CaseCtx
from zhili.cases.lifecycle import service as lifecycle
from zhili.cases.policy import IntakeActor, can_look_up_callers
from zhili.cases.schemas import ActionIn, CaseIn
from zhili.cases.web.common import page_or_fragment, parse_model
from zhili.cases.web.suggest import (
    category_model,
    draft_duplicates,
    draft_location,
    guess_categories,
    knowledge_answers,
    stored_duplicates,
)
from zhili.deps import DbSession, commit_here
from zhili.errors import ZhiliError
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.enums import CHANNEL_LABELS, DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=400)]
Long = Annotated[str, Form(max_length=6000)]
FORM_FIELDS = (
    "demand_type",
    "urgency",
    "category",
    "channel",
    "title",
    "description",
    "address",
    "lat",
    "lng",
    "name",
    "phone",
    "id_number",
)
CITIZEN_FIELDS = {"name", "phone", "id_number"}
DEFAULTS = {"urgency": "ordinary", "channel": "phone", "demand_type": ""}
REPEAT_NOTE = "同一来电人再次反映同一事项（重复来电）"
REOPEN_NOTE = "同一来电人反映原诉求办结后问题仍未解决，请求重办"


def form_choices(session: Session) -> dict[str, Any]:
    categories = taxonomy.all_categories(session)
    return {
        "types": [(k.value, v) for k, v in DEMAND_TYPE_LABELS.items()],
        "urgencies": [(k.value, v) for k, v in URGENCY_LABELS.items()],
        "channels": [(k.value, v) for k, v in CHANNEL_LABELS.items()],
        "categories": [(c.code, "　" * (c.level - 1) + c.name) for c in categories],
    }


INTAKE_LABELS = {
    "demand_type": "诉求类型",
    "urgency": "紧急程度",
    "channel": "渠道",
    "category": "诉求分类",
    "title": "标题",
    "description": "诉求内容",
    "address": "地址",
    "lat": "纬度",
    "lng": "经度",
    "name": "姓名",
    "phone": "电话",
    "id_number": "身份证号",
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Every problem of the form, each under its field (``citizen.phone`` → ``phone``), in Chinese
    and naming the field (「标题」此项必填)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        name = loc[-1] if loc else "form"
        label = INTAKE_LABELS.get(name, "")
        message = str(error.get("msg", "格式不正确")).removeprefix("Value error, ")
        if error.get("type") in ("missing", "string_too_short"):
            message = f"「{label}」此项必填" if label else "此项必填"
        elif error.get("type") == "string_too_long":
            message = f"{label}最多 {(error.get('ctx') or {}).get('max_length')} 个字"
        elif error.get("type") == "enum":
            message = f"{label}：请从列表中选择"
        elif error.get("type", "").startswith("float"):
            message = f"{label}需要填写数字"
        elif message.isascii():
            message = f"{label}格式不正确"
        errors.setdefault(name, message)
    return errors


def case_body(form: dict[str, str], channel: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {k: v for k, v in form.items() if k not in CITIZEN_FIELDS and v != ""}
    body["citizen"] = {k: form[k] for k in CITIZEN_FIELDS if form.get(k)}
    if channel:
        body["channel"] = channel
    return body


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {
        **form_choices(session),
        "form": form,
        "errors": errors,
        "idem": secrets.token_urlsafe(16),
        "caller_lookup": can_look_up_callers(actor),
    }
    response = page_or_fragment(request, "work/intake.html", "work/_intake_form.html", context, "intake")
    response.status_code = status
    return response


@router.get("/work/intake", response_class=HTMLResponse)
def intake_page(request: Request, session: DbSession, actor: IntakeActor) -> HTMLResponse:
    return _form_page(request, session, actor, {**DEFAULTS}, {})


@router.get("/work/intake/suggest", response_class=HTMLResponse)
def intake_suggest(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    actor: IntakeActor,
    title: Annotated[str, Query(max_length=400)] = "",
    description: Annotated[str, Query(max_length=6000)] = "",
    address: Annotated[str, Query(max_length=400)] = "",
    lat: Annotated[str, Query(max_length=40)] = "",
    lng: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    """The live panel beside the form: likely categories, knowledge-base answers and earlier open
    cases nearby that look like the same matter."""
    text = f"{title}\n{description}".strip()
    location, point = draft_location(ctx, lat, lng, address)
    context = {
        "categories": guess_categories(session, category_model(request), text),
        "answers": knowledge_answers(session, text),
        "duplicates": draft_duplicates(session, ctx, actor, text, location, point),
        "located": location is not None,
        "typed": len(text) >= 4,
    }
    return render(request, "work/_suggest.html", context)


@router.post("/work/intake", response_class=HTMLResponse)
def intake_submit(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    actor: IntakeActor,
    demand_type: Short = "",
    urgency: Short = "",
    category: Short = "",
    channel: Short = "",
    title: Short = "",
    description: Long = "",
    address: Short = "",
    lat: Short = "",
    lng: Short = "",
    name: Short = "",
    phone: Short = "",
    id_number: Short = "",
    confidential: Short = "",
    outside_city: Short = "",
    knowledge_entry_id: Short = "",
    relate_to: Short = "",
    relate_kind: Short = "",
    idem: Short = "",
) -> Response:
    values = locals()
    form = {k: str(values[k]).strip() for k in FORM_FIELDS}
    kept = {"outside_city": outside_city, "confidential": confidential, "relate_to": relate_to}
    flags = {"confidential": confidential == "1", "outside_city": outside_city == "1"}
    try:
        body = CaseIn.model_validate({**case_body(form), **flags})
    except ValidationError as exc:
        return _form_page(request, session, actor, {**form, **kept}, field_errors(exc), status=422)
    try:
        with session.begin_nested():
            result = flows.take_demand(session, ctx, actor, body, idem or None)
    except ZhiliError as exc:
        return _form_page(request, session, actor, {**form, **kept}, exc.form_errors(), status=exc.status)
    case = result.case
    if relate_to.strip() and result.created:  # the operator chose 关联 or 重办 on a repeat caller
        note = REOPEN_NOTE if relate_kind == "reopen" else REPEAT_NOTE
        link = parse_model(ActionIn, {"target": relate_to.strip().upper(), "note": note})
        case = lifecycle.perform(session, ctx, actor, case.code, "link", link)
    if knowledge_entry_id and result.created:
        answer = parse_model(ActionIn, {"knowledge_entry_id": knowledge_entry_id})
        case = lifecycle.perform(session, ctx, actor, case.code, "direct_close", answer)
    context = {
        "case": case,
        "direct": case.state.value == "closed",
        "location": result.location,
        "warning": result.warning,
        "duplicates": stored_duplicates(session, case),
    }
    response = page_or_fragment(request, "work/intake_done.html", "work/_intake_done.html", context, "intake")
    response.status_code = 201 if result.created else 200
    commit_here(session)  # the page is drawn inside the transaction: it reads what it shows
    return response
