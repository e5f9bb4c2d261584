"""What every case page shares: list rows with their running deadline, form → ActionIn,
and the answer after an action (a fragment swap with a toast for htmx, a 303 otherwise).

Pages act through the same services as the JSON API (``flows.take_demand``, ``lifecycle.perform``)
and read through the same scoped repository; nothing here decides who may do what.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases.models import Case
from zhili.cases.states import STATE_LABELS, CaseState
from zhili.cases.views import unit_codes
from zhili.errors import ValidationFailed
from zhili.kernel.masking import ID_NUMBER, MOBILE
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.taxonomy.models import Category
from zhili.units.models import Unit
from zhili.web.templating import is_htmx, render, toast_trigger

M = TypeVar("M", bound=BaseModel)
CODE_SEPARATORS = re.compile(r"[\s,，、;；]+")
EXCERPT_CHARS = 60
SPACES = re.compile(r"\s+")
# Which deadline runs in which state, and what it is called on a row.
RUNNING_DUE = {
    CaseState.dispatched: ("sign_due", "签收时限"),
    CaseState.signed: ("contact_due", "联系时限"),
    CaseState.contacted: ("feedback_due", "反馈时限"),
}
FIELD_LABELS = {
    "lead_unit": "主办单位",
    "co_units": "协办单位",
    "units": "协办单位",
    "reply": "答复",
    "reason": "理由",
    "note": "说明",
    "extension": "延期时长",
    "satisfaction": "满意度",
    "comment": "意见",
    "target": "诉求编号",
    "version": "版本号",
    "contacted": "是否联系上市民",
    "solved": "问题是否解决",
    "division": "区划",
    "address": "地址",
    "complex_case": "复杂诉求",
    "knowledge_entry_id": "知识库条目",
}


@dataclass
class CaseRow:
    """One list row: the case and what the row shows beside it."""

    case: Case
    state_label: str
    type_label: str
    urgency_label: str
    unit_name: str | None
    category_name: str | None
    due: datetime | None
    due_label: str

    @property
    def urgent(self) -> bool:
        return self.case.urgency.value != "ordinary"

    @property
    def excerpt(self) -> str:
        return excerpt(self.case.description)


def excerpt(text: str | None, limit: int = EXCERPT_CHARS) -> str:
    """The start of a description for a list row: one line, a number or ID the citizen typed into
    it masked (a list is no place to read them), cut at ``limit`` characters."""
    flat = SPACES.sub(" ", text or "").strip()
    flat = ID_NUMBER.sub("［证件号］", MOBILE.sub("［电话］", flat))
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def running_due(case: Case) -> tuple[datetime | None, str]:
    column, label = RUNNING_DUE.get(case.state, ("feedback_due", "办理时限"))
    if case.state not in RUNNING_DUE and case.state != CaseState.return_requested:
        return None, ""
    return getattr(case, column), label


def case_rows(session: Session, cases: Sequence[Case]) -> list[CaseRow]:
    units = unit_codes(session, [c.lead_unit_id for c in cases])
    wanted = {c.category_id for c in cases if c.category_id}
    names = (
        {
            cid: name
            for cid, name in session.execute(
                select(Category.id, Category.name).where(Category.id.in_(wanted))
            )
        }
        if wanted
        else {}
    )
    rows = []
    for c in cases:
        due, label = running_due(c)
        rows.append(
            CaseRow(
                case=c,
                state_label=STATE_LABELS[c.state],
                type_label=DEMAND_TYPE_LABELS[c.demand_type],
                urgency_label=URGENCY_LABELS[c.urgency],
                unit_name=units[c.lead_unit_id][1] if c.lead_unit_id in units else None,
                category_name=names.get(c.category_id or 0),
                due=due,
                due_label=label,
            )
        )
    return rows


def active_units(session: Session) -> list[tuple[str, str]]:
    """(code, name) of every active unit, for the unit pickers' datalist."""
    rows = session.execute(select(Unit.code, Unit.name).where(Unit.active.is_(True)).order_by(Unit.code))
    return [(code, name) for code, name in rows]


def split_codes(text: str | None) -> list[str]:
    return [code for code in CODE_SEPARATORS.split(text or "") if code]


def wants_fragment(request: Request, target: str) -> bool:
    """An htmx request that will swap only ``#target`` (not a history restore, which needs the page)."""
    return (
        is_htmx(request)
        and request.headers.get("HX-Target") == target
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def page_or_fragment(
    request: Request, page: str, fragment: str, context: dict[str, Any], target: str = "work"
) -> HTMLResponse:
    """One handler serves the whole workbench and the ``#work`` fragment htmx swaps after an action."""
    response = render(request, fragment if wants_fragment(request, target) else page, context)
    response.headers["Vary"] = "HX-Request, HX-Target"
    return response


def after_action(request: Request, next_url: str, message: str) -> Response:
    """htmx: reload ``#work`` from ``next_url`` in place, with a toast; a plain form: 303 to it."""
    if is_htmx(request):
        location = json.dumps({"path": next_url, "target": "#work"})
        return Response(
            status_code=200, headers={"HX-Location": location, "HX-Trigger": toast_trigger(message)}
        )
    return RedirectResponse(next_url, status_code=303)


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths: a crafted ``next`` must not send staff elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def parse_model(model: type[M], data: dict[str, Any]) -> M:
    """Validate form data into ``model``; the first problem becomes a Chinese 422 naming its field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ()))
        raise ValidationFailed(_message(first, field), field=field or None) from None


def _message(error: Any, field: str) -> str:
    label = FIELD_LABELS.get(field.split(".")[-1], field)
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "string_too_long":
        return f"{label}过长，最多 {ctx.get('max_length')} 个字"
    if kind in ("string_too_short", "missing"):
        return f"请填写{label}"
    if kind == "too_long":
        return f"{label}最多 {ctx.get('max_length')} 个"
    if kind.startswith(("int_", "float_")):
        return f"{label}需要填写数字"
    message = str(error.get("msg", "格式不正确")).removeprefix("Value error, ")
    return f"{label}：{message}" if label else message
