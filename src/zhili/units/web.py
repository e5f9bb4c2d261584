"""Admin pages for the unit directory: list with filters, add a unit, edit one and its jurisdiction."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.deps import DbSession
from zhili.errors import ZhiliError
from zhili.units import repository, service
from zhili.units.models import UNIT_KIND_LABELS, Unit, UnitKind
from zhili.units.policy import UnitEditor
from zhili.web.templating import is_htmx, render, render_form, see_other

router = APIRouter(include_in_schema=False)


PAGE_SIZE = 50
KINDS = {kind.value: kind for kind in UnitKind}
STATUSES = {"active": True, "inactive": False}
CODE_RE = re.compile(r"^[A-Za-z0-9_\-]{1,32}$")
# Separators an admin may paste between division codes: ASCII or Chinese commas, 顿号, semicolons, spaces.
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_JURISDICTION = 500
# Generous transport limits; the real limits are checked per field so the message sits next to it.
Text = Annotated[str, Form(max_length=512)]
LongText = Annotated[str, Form(max_length=20000)]


@dataclass
class UnitForm:
    """What the add/edit form shows and sends back, all as text."""

    code: str = ""
    name: str = ""
    kind: str = ""
    unit_type: str = ""
    parent_code: str = ""
    division_code: str = ""
    contact_phone: str = ""
    jurisdiction: str = ""
    active: bool = True

    def codes(self) -> list[str]:
        return [code for code in CODE_SEPARATORS.split(self.jurisdiction) if code]


def _wants_fragment(request: Request) -> bool:
    # A history restore needs the whole page even though htmx sent it.
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def _unit_url(code: str) -> str:
    return f"/admin/units/{quote(code, safe='')}"


@router.get("/admin/units", response_class=HTMLResponse)
def units_page(
    request: Request,
    session: DbSession,
    _admin: UnitEditor,
    kind: Annotated[str, Query(max_length=16)] = "",
    division: Annotated[str, Query(max_length=12)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
    status: Annotated[str, Query(max_length=8)] = "",
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    filters = {
        "kind": kind if kind in KINDS else "",
        "division": division.strip(),
        "q": q.strip(),
        "status": status if status in STATUSES else "",
    }
    rows, total = repository.list_units(
        session,
        kind=KINDS.get(filters["kind"]),
        division_prefix=filters["division"] or None,
        q=filters["q"] or None,
        active=STATUSES.get(filters["status"]),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    areas = repository.jurisdictions(session, [unit.id for unit, _ in rows])
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(number: int) -> str:
        params = {key: value for key, value in filters.items() if value}
        return "/admin/units?" + urlencode({**params, "page": number})

    context = {
        "filters": filters,
        "kinds": UNIT_KIND_LABELS,
        "rows": [(unit, parent, areas.get(unit.id, [])) for unit, parent in rows],
        "total": total,
        "page": page,
        "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
    }
    template = "admin/_units_table.html" if _wants_fragment(request) else "admin/units.html"
    response = render(request, template, context)
    response.headers["Vary"] = "HX-Request"
    return response


def _form_page(
    request: Request, form: UnitForm, errors: dict[str, str], *, unit: Unit | None = None, status: int = 200
) -> HTMLResponse:
    saved = request.query_params.get("saved") == "1"
    return render_form(
        request, "admin/unit_form.html", form, errors, status, kinds=UNIT_KIND_LABELS, unit=unit, saved=saved
    )


def _common_errors(form: UnitForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not form.name:
        errors["name"] = "请填写单位名称"
    elif len(form.name) > 128:
        errors["name"] = "单位名称最多 128 个字符"
    for name, label in (
        ("unit_type", "单位类型"),
        ("parent_code", "上级单位编码"),
        ("contact_phone", "联系电话"),
    ):
        if len(getattr(form, name)) > 32:
            errors[name] = f"{label}最多 32 个字符"
    codes = form.codes()
    if len(codes) > MAX_JURISDICTION:
        errors["jurisdiction"] = f"管辖区域最多 {MAX_JURISDICTION} 个"
    elif any(not code.isdigit() or len(code) > 12 for code in codes):
        errors["jurisdiction"] = "管辖区域须为行政区划编码（数字），以逗号或空格分隔"
    return errors


def _creation_errors(form: UnitForm) -> dict[str, str]:
    errors = _common_errors(form)
    if not form.code:
        errors["code"] = "请填写单位编码"
    elif not CODE_RE.match(form.code):
        errors["code"] = "单位编码只能包含字母、数字、下划线和连字符，最多 32 位"
    if form.kind not in KINDS:
        errors["kind"] = "请选择单位类别"
    if not form.division_code:
        errors["division_code"] = "请填写所在行政区划编码"
    elif not form.division_code.isdigit() or len(form.division_code) > 12:
        errors["division_code"] = "行政区划编码须为数字，最多 12 位"
    return errors


@router.get("/admin/units/new", response_class=HTMLResponse)
def new_unit_page(request: Request, _admin: UnitEditor) -> HTMLResponse:
    return _form_page(request, UnitForm(), {})


@router.post("/admin/units", response_class=HTMLResponse)
def create_unit_submit(
    request: Request,
    session: DbSession,
    admin: UnitEditor,
    code: Text = "",
    name: Text = "",
    kind: Text = "",
    unit_type: Text = "",
    parent_code: Text = "",
    division_code: Text = "",
    contact_phone: Text = "",
    jurisdiction: LongText = "",
) -> Response:
    form = UnitForm(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        unit_type=unit_type.strip(),
        parent_code=parent_code.strip(),
        division_code=division_code.strip(),
        contact_phone=contact_phone.strip(),
        jurisdiction=jurisdiction,
    )
    errors = _creation_errors(form)
    if not errors:
        try:
            # A savepoint: a refused unit leaves neither a row nor an audit entry behind.
            with session.begin_nested():
                service.create_unit(
                    session,
                    actor=admin.username,
                    code=form.code,
                    name=form.name,
                    kind=KINDS[form.kind],
                    division_code=form.division_code,
                    unit_type=form.unit_type or None,
                    parent_code=form.parent_code or None,
                    contact_phone=form.contact_phone or None,
                    jurisdiction=form.codes() or None,
                )
        except ZhiliError as exc:
            errors.update(exc.form_errors())
    if errors:
        return _form_page(request, form, errors, status=422)
    return see_other(request, _unit_url(form.code) + "?saved=1")


def _current_form(session: Session, unit: Unit) -> UnitForm:
    parent = session.get(Unit, unit.parent_id) if unit.parent_id else None
    areas = repository.jurisdictions(session, [unit.id]).get(unit.id, [])
    return UnitForm(
        code=unit.code,
        name=unit.name,
        kind=unit.kind.value,
        unit_type=unit.unit_type or "",
        parent_code=parent.code if parent else "",
        division_code=unit.division_code,
        contact_phone=unit.contact_phone or "",
        jurisdiction=" ".join(areas),
        active=unit.active,
    )


@router.get("/admin/units/{code}", response_class=HTMLResponse)
def edit_unit_page(request: Request, code: str, session: DbSession, _admin: UnitEditor) -> HTMLResponse:
    unit = repository.get_by_code(session, code)
    return _form_page(request, _current_form(session, unit), {}, unit=unit)


def _changes(current: UnitForm, form: UnitForm) -> dict[str, Any]:
    """Only what the admin changed, so the audit entry records exactly that."""
    changes: dict[str, Any] = {}
    for name in ("name", "unit_type", "parent_code", "contact_phone", "active"):
        if getattr(form, name) != getattr(current, name):
            changes[name] = getattr(form, name)
    if sorted(set(form.codes())) != sorted(set(current.codes())):
        changes["jurisdiction"] = form.codes()
    return changes


@router.post("/admin/units/{code}", response_class=HTMLResponse)
def edit_unit_submit(
    request: Request,
    code: str,
    session: DbSession,
    admin: UnitEditor,
    name: Text = "",
    unit_type: Text = "",
    parent_code: Text = "",
    contact_phone: Text = "",
    active: Text = "",
    jurisdiction: LongText = "",
) -> Response:
    unit = repository.get_by_code(session, code)
    current = _current_form(session, unit)
    form = UnitForm(
        **{
            **asdict(current),
            "name": name.strip(),
            "unit_type": unit_type.strip(),
            "parent_code": parent_code.strip(),
            "contact_phone": contact_phone.strip(),
            "active": active == "1",
            "jurisdiction": jurisdiction,
        }
    )
    errors = _common_errors(form)
    if not errors and not form.codes():
        errors["jurisdiction"] = "单位至少需要一个管辖区域"
    if not errors:
        try:
            with session.begin_nested():
                service.update_unit(session, code, actor=admin.username, **_changes(current, form))
        except ZhiliError as exc:
            errors.update(exc.form_errors())
    if errors:
        return _form_page(request, form, errors, unit=unit, status=422)
    return see_other(request, _unit_url(code) + "?saved=1")
