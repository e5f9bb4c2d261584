"""Admin pages for the taxonomy as data: categories (name, default unit type, keywords, on/off) and the
time-limit rules. Each change is checked whole before it is written, and audited."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.deps import DbSession
from zhili.errors import ZhiliError
from zhili.taxonomy import repository, service
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.taxonomy.models import Category, TimeLimitPolicy
from zhili.taxonomy.policy import TaxonomyEditor
from zhili.taxonomy.service import LIMIT_LABELS, POLICY_FIELDS
from zhili.units.models import UNIT_KIND_LABELS
from zhili.web.templating import render, render_form, see_other

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=2000)]


# -- categories ---------------------------------------------------------------------------------------


@router.get("/admin/categories", response_class=HTMLResponse)
def categories_page(
    request: Request, session: DbSession, _admin: TaxonomyEditor, q: Annotated[str, Query(max_length=32)] = ""
) -> HTMLResponse:
    rows = repository.all_categories(session, active_only=False)
    if q.strip():
        rows = [c for c in rows if q.strip() in c.name or c.code.startswith(q.strip())]
    return render(
        request, "admin/categories.html", {"rows": rows, "q": q, "saved": request.query_params.get("saved")}
    )


def _category_form(
    request: Request,
    form: dict[str, Any],
    errors: dict[str, str],
    category: Category | None,
    status: int = 200,
) -> HTMLResponse:
    return render_form(request, "admin/category_form.html", form, errors, status, category=category)


@router.get("/admin/categories/new", response_class=HTMLResponse)
def new_category_page(request: Request, _admin: TaxonomyEditor) -> HTMLResponse:
    return _category_form(request, {"active": True}, {}, None)


@router.post("/admin/categories", response_class=HTMLResponse)
def create_category(
    request: Request,
    session: DbSession,
    admin: TaxonomyEditor,
    code: Text = "",
    name: Text = "",
    default_unit_type: Text = "",
    keywords: Text = "",
) -> Response:
    form = {"code": code.strip(), "name": name.strip(), "default_unit_type": default_unit_type.strip()}
    form["keywords"] = keywords.strip()
    try:
        category = service.create_category(session, actor=admin.username, **form)
    except ZhiliError as exc:
        return _category_form(request, {**form, "active": True}, exc.form_errors(), None, status=exc.status)
    return see_other(request, f"/admin/categories/{category.code}?saved=1")


@router.get("/admin/categories/{code}", response_class=HTMLResponse)
def edit_category_page(
    request: Request, code: str, session: DbSession, _admin: TaxonomyEditor
) -> HTMLResponse:
    c = service.get_category(session, code)
    form = {
        "code": c.code,
        "name": c.name,
        "default_unit_type": c.default_unit_type or "",
        "keywords": c.keywords,
    }
    return _category_form(request, {**form, "active": c.active}, {}, c)


@router.post("/admin/categories/{code}", response_class=HTMLResponse)
def edit_category(
    request: Request,
    code: str,
    session: DbSession,
    admin: TaxonomyEditor,
    name: Text = "",
    default_unit_type: Text = "",
    keywords: Text = "",
    active: Text = "",
) -> Response:
    c = service.get_category(session, code)
    form: dict[str, Any] = {
        "code": c.code,
        "name": name.strip(),
        "default_unit_type": default_unit_type.strip(),
        "keywords": keywords.strip(),
        "active": active == "1",
    }
    fields = {k: v for k, v in form.items() if k != "code"}
    try:
        service.update_category(session, c, actor=admin.username, **fields)
    except ZhiliError as exc:
        return _category_form(request, form, exc.form_errors(), c, status=exc.status)
    return see_other(request, f"/admin/categories/{c.code}?saved=1")


# -- time limits --------------------------------------------------------------------------------------


def _policy_choices() -> dict[str, Any]:
    return {
        "urgencies": [(k.value, v) for k, v in URGENCY_LABELS.items()],
        "types": [(k.value, v) for k, v in DEMAND_TYPE_LABELS.items()],
        "kinds": [(k.value, v) for k, v in UNIT_KIND_LABELS.items()],
        "limit_labels": LIMIT_LABELS,
    }


@router.get("/admin/time-limits", response_class=HTMLResponse)
def policies_page(request: Request, session: DbSession, _admin: TaxonomyEditor) -> HTMLResponse:
    context = {"rows": repository.policies(session), **_policy_choices()}
    context["urgency_labels"] = dict(context["urgencies"])
    context["type_labels"] = dict(context["types"])
    context["kind_labels"] = dict(context["kinds"])
    return render(request, "admin/time_limits.html", context)


def _policy_form(
    request: Request,
    form: dict[str, Any],
    errors: dict[str, str],
    policy: TimeLimitPolicy | None,
    status: int = 200,
) -> HTMLResponse:
    return render_form(
        request, "admin/time_limit_form.html", form, errors, status, policy=policy, **_policy_choices()
    )


@router.get("/admin/time-limits/new", response_class=HTMLResponse)
def new_policy_page(request: Request, _admin: TaxonomyEditor) -> HTMLResponse:
    return _policy_form(request, {"active": "1", "priority": "50"}, {}, None)


@router.get("/admin/time-limits/{policy_id}", response_class=HTMLResponse)
def edit_policy_page(
    request: Request, policy_id: int, session: DbSession, _admin: TaxonomyEditor
) -> HTMLResponse:
    p = service.get_policy(session, policy_id)
    form = {f: "" if getattr(p, f) is None else str(getattr(p, f)) for f in POLICY_FIELDS}
    form["active"] = "1" if p.active else ""
    form["complex_case"] = {True: "1", False: "0"}.get(p.complex_case, "")  # type: ignore[arg-type]
    return _policy_form(request, form, {}, p)


def _save_policy(
    request: Request,
    session: Session,
    admin: TaxonomyEditor,
    policy: TimeLimitPolicy | None,
    raw: dict[str, str],
) -> Response:
    form = {k: (raw.get(k) or "").strip() for k in POLICY_FIELDS}
    try:
        target = service.save_policy(session, actor=admin.username, policy=policy, form=form)
    except ZhiliError as exc:
        return _policy_form(request, form, exc.form_errors(), policy, status=exc.status)
    return see_other(request, f"/admin/time-limits/{target.id}?saved=1")


def policy_form(
    name: Text = "",
    priority: Text = "",
    urgency: Text = "",
    demand_type: Text = "",
    category_prefix: Text = "",
    unit_kind: Text = "",
    complex_case: Text = "",
    active: Text = "",
    sign_limit: Text = "",
    contact_limit: Text = "",
    feedback_limit: Text = "",
    checkin_limit: Text = "",
    max_extension: Text = "",
) -> dict[str, str]:
    values = locals()
    return {field: str(values[field]) for field in POLICY_FIELDS}


PolicyForm = Annotated[dict[str, str], Depends(policy_form)]


@router.post("/admin/time-limits", response_class=HTMLResponse)
def create_policy(request: Request, session: DbSession, admin: TaxonomyEditor, form: PolicyForm) -> Response:
    return _save_policy(request, session, admin, None, form)


@router.post("/admin/time-limits/{policy_id}", response_class=HTMLResponse)
def edit_policy(
    request: Request, policy_id: int, session: DbSession, admin: TaxonomyEditor, form: PolicyForm
) -> Response:
    return _save_policy(request, session, admin, service.get_policy(session, policy_id), form)
