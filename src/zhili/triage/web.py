"""Admin pages for the routing rules (分流规则): list, create, edit and delete; the override report
(改派率) for dispatchers, analysts and admins; the auto-dispatch setting for admins.

The pages only turn form fields into a ``RuleIn`` and call ``zhili.triage.rules``: the service checks
every field (units, categories, divisions) and audits every change. A refused form is shown again
with the Chinese message next to its field, and nothing is written.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from zhili.cases.deps import CaseCtx
from zhili.deps import DbSession
from zhili.errors import ValidationFailed, ZhiliError
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS
from zhili.triage import autodispatch, report, rules
from zhili.triage.models import RoutingRule
from zhili.triage.policy import AutoDispatchAdmin, ReportReader, RulesEditor
from zhili.triage.schemas import AutoDispatchIn, RuleIn
from zhili.web.templating import render, render_form, see_other

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=2000)]
FIELDS = (
    "name",
    "category_prefix",
    "division_prefix",
    "demand_type",
    "lead_unit",
    "lead_unit_type",
    "co_units",
    "priority",
    "active",
    "note",
)
_SPLIT = re.compile(r"[\s,，、;；]+")


def _messages(exc: ValidationError) -> dict[str, str]:
    """Pydantic's problems as Chinese messages, one per form field."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc", ())
        name = str(loc[0]) if loc else "form"
        kind = str(error.get("type", ""))
        ctx = error.get("ctx") or {}
        if kind in ("missing", "string_too_short") or error.get("input", "") is None:
            message = "此项必填"
        elif kind == "string_too_long":
            message = f"最多 {ctx.get('max_length')} 个字"
        elif kind == "too_long":
            message = f"最多 {ctx.get('max_length')} 个"
        elif kind.startswith("int") or kind in ("less_than_equal", "greater_than_equal"):
            message = "需要填写 -1000 到 1000 之间的整数"
        else:
            message = "格式不正确"
        errors.setdefault(name, message)
    return errors


def _body(form: dict[str, str]) -> dict[str, Any]:
    return {
        "name": form["name"],
        "category_prefix": form["category_prefix"],
        "division_prefix": form["division_prefix"],
        "demand_type": form["demand_type"],
        "lead_unit": form["lead_unit"],
        "lead_unit_type": form["lead_unit_type"],
        "co_units": [c for c in _SPLIT.split(form["co_units"]) if c],
        "priority": form["priority"] or "0",
        "active": form["active"] == "1",
        "note": form["note"],
    }


def _form_of(rule: RoutingRule) -> dict[str, str]:
    out = rules.to_out(rule)
    form = {f: "" if getattr(out, f, None) is None else str(getattr(out, f)) for f in FIELDS}
    form["co_units"] = "、".join(out.co_units)
    form["active"] = "1" if out.active else ""
    return form


def _form_page(
    request: Request,
    form: dict[str, str],
    errors: dict[str, str],
    rule: RoutingRule | None,
    status: int = 200,
) -> HTMLResponse:
    types = [(k.value, v) for k, v in DEMAND_TYPE_LABELS.items()]
    return render_form(request, "admin/routing_rule_form.html", form, errors, status, rule=rule, types=types)


def rule_form(
    name: Text = "",
    category_prefix: Text = "",
    division_prefix: Text = "",
    demand_type: Text = "",
    lead_unit: Text = "",
    lead_unit_type: Text = "",
    co_units: Text = "",
    priority: Text = "",
    active: Text = "",
    note: Text = "",
) -> dict[str, str]:
    values = locals()
    return {field: str(values[field]).strip() for field in FIELDS}


RuleForm = Annotated[dict[str, str], Depends(rule_form)]


def _save(
    request: Request, session: Session, admin: RulesEditor, rule: RoutingRule | None, form: dict[str, str]
) -> Response:
    try:
        body = RuleIn.model_validate(_body(form))
    except ValidationError as exc:
        return _form_page(request, form, _messages(exc), rule, status=422)
    try:
        with session.begin_nested():
            if rule is None:
                saved = rules.create_rule(session, admin, body)
            else:
                saved = rules.update_rule(session, admin, rule.id, body)
    except ZhiliError as exc:
        return _form_page(request, form, exc.form_errors(), rule, status=exc.status)
    return see_other(request, f"/admin/routing-rules/{saved.id}?saved=1")


@router.get("/admin/routing-rules", response_class=HTMLResponse)
def rules_page(request: Request, session: DbSession, _admin: RulesEditor) -> HTMLResponse:
    context = {
        "rows": [rules.to_out(r) for r in rules.list_rules(session)],
        "type_labels": {k.value: v for k, v in DEMAND_TYPE_LABELS.items()},
        "deleted": request.query_params.get("deleted"),
    }
    return render(request, "admin/routing_rules.html", context)


@router.get("/admin/routing-rules/new", response_class=HTMLResponse)
def new_rule_page(request: Request, _admin: RulesEditor) -> HTMLResponse:
    return _form_page(request, {"active": "1", "priority": "0"}, {}, None)


@router.post("/admin/routing-rules", response_class=HTMLResponse)
def create_rule(request: Request, session: DbSession, admin: RulesEditor, form: RuleForm) -> Response:
    return _save(request, session, admin, None, form)


@router.get("/admin/routing-rules/{rule_id}", response_class=HTMLResponse)
def edit_rule_page(request: Request, rule_id: int, session: DbSession, _admin: RulesEditor) -> HTMLResponse:
    rule = rules.get_rule(session, rule_id)
    return _form_page(request, _form_of(rule), {}, rule)


@router.post("/admin/routing-rules/{rule_id}", response_class=HTMLResponse)
def edit_rule(
    request: Request, rule_id: int, session: DbSession, admin: RulesEditor, form: RuleForm
) -> Response:
    return _save(request, session, admin, rules.get_rule(session, rule_id), form)


@router.post("/admin/routing-rules/{rule_id}/delete", response_class=HTMLResponse)
def delete_rule(request: Request, rule_id: int, session: DbSession, admin: RulesEditor) -> Response:
    rules.delete_rule(session, admin, rule_id)
    return see_other(request, "/admin/routing-rules?deleted=1")


def _day(text: str, field: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed("日期格式应为 2025-01-31", field=field) from None


@router.get("/triage/overrides", response_class=HTMLResponse)
def overrides_page(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    actor: ReportReader,
    since: Annotated[str, Query(max_length=10)] = "",
    until: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """改派率报告: by suggested category and by suggested unit, over a period."""
    form = {"since": since, "until": until}
    try:
        found = report.override_report(session, actor, ctx.tz, _day(since, "since"), _day(until, "until"))
    except ValidationFailed as exc:
        return render(request, "triage/overrides.html", {"form": form, "errors": exc.form_errors()}, 422)
    return render(request, "triage/overrides.html", {"form": form, "errors": {}, "report": found})


def _auto_page(
    request: Request,
    session: Session,
    actor: Any,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> HTMLResponse:
    context = {"setting": autodispatch.describe(session, actor), "form": form, "errors": errors}
    context["saved"] = request.query_params.get("saved")
    return render(request, "triage/auto_dispatch.html", context, status)


@router.get("/admin/triage/auto-dispatch", response_class=HTMLResponse)
def auto_dispatch_page(request: Request, session: DbSession, admin: AutoDispatchAdmin) -> HTMLResponse:
    setting = autodispatch.describe(session, admin)
    form = {"enabled": "1" if setting.enabled else "", "threshold": f"{setting.threshold:g}"}
    return _auto_page(request, session, admin, form, {})


@router.post("/admin/triage/auto-dispatch", response_class=HTMLResponse)
def save_auto_dispatch(
    request: Request,
    session: DbSession,
    admin: AutoDispatchAdmin,
    enabled: Annotated[str, Form(max_length=8)] = "",
    threshold: Annotated[str, Form(max_length=32)] = "",
) -> Response:
    form = {"enabled": enabled, "threshold": threshold.strip()}
    try:
        body = AutoDispatchIn(enabled=enabled == "1", threshold=threshold.strip() or "x")
    except ValidationError:
        errors = {"threshold": "置信度阈值须为 0 到 1 之间的数，如 0.9"}
        return _auto_page(request, session, admin, form, errors, status=422)
    autodispatch.update(session, admin, body)
    return see_other(request, "/admin/triage/auto-dispatch?saved=1")
