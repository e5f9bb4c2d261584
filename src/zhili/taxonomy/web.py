"""Admin pages for the taxonomy as data: categories (name, default unit type, keywords, on/off) and the
time-limit rules. Each change is checked whole before it is written, and audited."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.deps import DbSession
from zhili.errors import NotFound
from zhili.kernel.worktime import Duration
from zhili.taxonomy import repository
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.taxonomy.models import Category, TimeLimitPolicy
from zhili.taxonomy.policy import TaxonomyEditor
from zhili.taxonomy.time_limits import LIMIT_FIELDS
from zhili.units.models import UNIT_KIND_LABELS
from zhili.web.templating import render, render_form, see_other

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form(max_length=2000)]
CODE = re.compile(r"^(\d{2}){1,3}$")
UNIT_TYPE = re.compile(r"^[a-z_]{0,32}$")
LIMIT_LABELS = {
    "sign_limit": "签收时限",
    "contact_limit": "联系时限",
    "feedback_limit": "反馈时限",
    "checkin_limit": "报到时限",
    "max_extension": "最长延期",
}


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


def _category_errors(name: str, unit_type: str, keywords: str) -> dict[str, str]:
    errors = {}
    if not name or len(name) > 64:
        errors["name"] = "请填写分类名称（最多 64 个字）"
    if not UNIT_TYPE.match(unit_type):
        errors["default_unit_type"] = "默认承办单位类型只能是小写字母和下划线，如 urban_management"
    if len(keywords) > 2000:
        errors["keywords"] = "关键词合计最多 2000 个字符"
    return errors


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
    errors = _category_errors(form["name"], form["default_unit_type"], form["keywords"])
    parent = None
    if not CODE.match(form["code"]):
        errors["code"] = "分类编码为 2、4 或 6 位数字，每级两位，如 0203"
    elif repository.by_code(session, form["code"]) is not None:
        errors["code"] = f"分类编码 {form['code']} 已存在"
    elif len(form["code"]) > 2:
        parent = repository.by_code(session, form["code"][:-2])
        if parent is None:
            errors["code"] = f"上级分类 {form['code'][:-2]} 不存在，请先新增上级分类"
    if errors:
        return _category_form(request, {**form, "active": True}, errors, None, status=422)
    category = Category(
        code=form["code"],
        name=form["name"],
        level=len(form["code"]) // 2,
        parent_id=parent.id if parent else None,
        default_unit_type=form["default_unit_type"] or None,
        keywords=form["keywords"],
        active=True,
    )
    session.add(category)
    session.flush()
    audit.record(
        session,
        actor=admin.username,
        action="category.create",
        target_type="category",
        target_id=category.code,
    )
    return see_other(request, f"/admin/categories/{category.code}?saved=1")


def _category(session: Session, code: str) -> Category:
    category = repository.by_code(session, code)
    if category is None:
        raise NotFound(f"分类 {code} 不存在")
    return category


@router.get("/admin/categories/{code}", response_class=HTMLResponse)
def edit_category_page(
    request: Request, code: str, session: DbSession, _admin: TaxonomyEditor
) -> HTMLResponse:
    c = _category(session, code)
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
    c = _category(session, code)
    form: dict[str, Any] = {
        "code": c.code,
        "name": name.strip(),
        "default_unit_type": default_unit_type.strip(),
        "keywords": keywords.strip(),
        "active": active == "1",
    }
    errors = _category_errors(form["name"], form["default_unit_type"], form["keywords"])
    if errors:
        return _category_form(request, form, errors, c, status=422)
    changed = {}
    for field in ("name", "default_unit_type", "keywords", "active"):
        value = form[field] if field != "default_unit_type" else (form[field] or None)
        if getattr(c, field) != value:
            changed[field] = value
            setattr(c, field, value)
    if changed:
        session.flush()
        audit.record(
            session,
            actor=admin.username,
            action="category.update",
            target_type="category",
            target_id=c.code,
            detail={"fields": sorted(changed)},
        )
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


def _policy(session: Session, policy_id: int) -> TimeLimitPolicy:
    policy = session.execute(
        select(TimeLimitPolicy).where(TimeLimitPolicy.id == policy_id)
    ).scalar_one_or_none()
    if policy is None:
        raise NotFound("时限规则不存在")
    return policy


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


def _policy_values(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if not form["name"] or len(form["name"]) > 64:
        errors["name"] = "请填写规则名称（最多 64 个字）"
    values["name"] = form["name"]
    try:
        values["priority"] = int(form["priority"] or "0")
    except ValueError:
        errors["priority"] = "优先级需要填写整数"
    for field, allowed in (
        ("urgency", URGENCY_LABELS),
        ("demand_type", DEMAND_TYPE_LABELS),
        ("unit_kind", UNIT_KIND_LABELS),
    ):
        value = form[field]
        if value and value not in {k.value for k in allowed}:
            errors[field] = "请从列表中选择"
        values[field] = value or None
    prefix = form["category_prefix"]
    if prefix and not CODE.match(prefix):
        errors["category_prefix"] = "分类编码前缀为 2、4 或 6 位数字"
    values["category_prefix"] = prefix or None
    values["complex_case"] = {"1": True, "0": False}.get(form["complex_case"])
    for field in LIMIT_FIELDS:
        text = form[field]
        if text:
            try:
                Duration.parse(text)
            except ValueError as exc:
                errors[field] = f"{LIMIT_LABELS[field]}：{exc}"
        values[field] = text or None
    values["active"] = form["active"] == "1"
    return values, errors


POLICY_FIELDS = (
    "name",
    "priority",
    "urgency",
    "demand_type",
    "category_prefix",
    "unit_kind",
    "complex_case",
    "active",
    *LIMIT_FIELDS,
)


@router.get("/admin/time-limits/new", response_class=HTMLResponse)
def new_policy_page(request: Request, _admin: TaxonomyEditor) -> HTMLResponse:
    return _policy_form(request, {"active": "1", "priority": "50"}, {}, None)


@router.get("/admin/time-limits/{policy_id}", response_class=HTMLResponse)
def edit_policy_page(
    request: Request, policy_id: int, session: DbSession, _admin: TaxonomyEditor
) -> HTMLResponse:
    p = _policy(session, policy_id)
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
    values, errors = _policy_values(form)
    if errors:
        return _policy_form(request, form, errors, policy, status=422)
    target = policy or TimeLimitPolicy()
    for name, value in values.items():
        setattr(target, name, value)
    if policy is None:
        session.add(target)
    session.flush()
    action = "time_limit.create" if policy is None else "time_limit.update"
    audit.record(
        session,
        actor=admin.username,
        action=action,
        target_type="time_limit",
        target_id=target.id,
        detail={"name": target.name},
    )
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
    return _save_policy(request, session, admin, _policy(session, policy_id), form)
