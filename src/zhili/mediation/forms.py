"""Mediation web forms → the API's pydantic shapes. A problem is a 422 naming its form field, in
Chinese: party fields are numbered as on the page (``party1_name``), findings likewise."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from zhili.errors import ValidationFailed
from zhili.web.validation import chinese_message

M = TypeVar("M", bound=BaseModel)
PARTY_FIELDS = ("role", "name", "phone", "id_number", "address")
PARTY_ROWS = 3
FINDING_FIELDS = ("kind", "place", "description")
FINDING_ROWS = 5
LABELS = {
    "kind": "纠纷类型",
    "source": "来源",
    "title": "标题",
    "facts": "简要事实",
    "division_code": "纠纷发生地",
    "place": "地点",
    "referring_body": "委派的法院或移送的部门",
    "case_codes": "关联诉求编号",
    "role": "身份",
    "name": "姓名",
    "phone": "电话",
    "id_number": "身份证号",
    "address": "住址",
    "parties": "当事人（至少两方）",
    "track": "调解类型",
    "committee_id": "调解组织",
    "mediator_id": "调解员",
    "attendees": "到场当事人",
    "notes": "情况",
    "terms": "调解协议内容",
    "performance_due": "履行期限",
    "performance_method": "履行方式",
    "next_path": "后续途径",
    "court": "人民法院",
    "confirmed": "司法确认结果",
    "performed": "履行情况",
    "checked_on": "排查日期",
    "checkers": "排查人员",
    "summary": "排查小结",
    "findings": "排查发现",
    "description": "发现的矛盾纠纷",
}


def form_field(loc: tuple[Any, ...]) -> str:
    """Where the page shows the problem: ``parties.0.name`` → ``party1_name``."""
    parts = [str(p) for p in loc]
    if len(parts) >= 3 and parts[0] == "parties" and parts[1].isdigit():
        return f"party{int(parts[1]) + 1}_{parts[2]}"
    if len(parts) >= 3 and parts[0] == "findings" and parts[1].isdigit():
        return f"finding{int(parts[1]) + 1}_{parts[2]}"
    return parts[0] if parts else "form"


def parse(model: type[M], data: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> M:
    """``labels`` names a form's own fields where they differ from ``LABELS`` (a committee's 名称)."""
    try:
        return model.model_validate({k: v for k, v in data.items() if v not in (None, "", [])})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first.get("loc", ()))
        key = next((str(p) for p in reversed(loc) if not isinstance(p, int)), "")
        label = {**LABELS, **(labels or {})}.get(key, "此项")
        raise ValidationFailed(chinese_message(first, label), field=form_field(loc)) from None


def rows(
    form: Mapping[str, str], prefix: str, names: tuple[str, ...], count: int, key: str
) -> list[dict[str, str]]:
    """The numbered rows of a form (``party1_name`` …) that have their ``key`` filled."""
    found = []
    for i in range(1, count + 1):
        row = {name: form.get(f"{prefix}{i}_{name}", "") for name in names}
        if row[key] or any(row[n] for n in names if n not in ("role", "kind")):
            found.append({k: v for k, v in row.items() if v})
    return found


async def read(request: Request) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The form as typed (single values, trimmed and bounded) and its repeated fields."""
    form = await request.form()
    single = {k: v.strip()[:10000] for k, v in form.items() if k != "csrf_token" and isinstance(v, str)}
    multi = {k: [v for v in form.getlist(k) if isinstance(v, str)] for k in form}
    return single, multi


def flag(value: str | None) -> bool | None:
    """A yes/no select: "1" yes, "0" no, anything else not chosen."""
    return {"1": True, "0": False}.get(value or "")
