"""The taxonomy as data: load the defaults (idempotent; admins' edits are kept), and edit categories
and time-limit rules. Each edit is checked whole before anything is written, and audited."""

from __future__ import annotations

import csv
import io
import re
from importlib import resources
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.errors import FieldErrors, NotFound
from zhili.kernel.worktime import Duration
from zhili.taxonomy import repository
from zhili.taxonomy.defaults import DEFAULT_POLICIES
from zhili.taxonomy.enums import DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.taxonomy.models import Category, TimeLimitPolicy
from zhili.taxonomy.time_limits import LIMIT_FIELDS
from zhili.units.models import UNIT_KIND_LABELS

CODE = re.compile(r"^(\d{2}){1,3}$")
UNIT_TYPE = re.compile(r"^[a-z_]{0,32}$")
LIMIT_LABELS = {
    "sign_limit": "签收时限",
    "contact_limit": "联系时限",
    "feedback_limit": "反馈时限",
    "checkin_limit": "报到时限",
    "max_extension": "最长延期",
}
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


def default_category_rows() -> list[dict[str, str]]:
    text = resources.files("zhili.taxonomy").joinpath("data/categories.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_default_categories(session: Session) -> int:
    """Insert the shipped categories whose codes are not there yet; returns how many were added."""
    ids = {code: cid for code, cid in session.execute(select(Category.code, Category.id))}
    added = 0
    # Rows are ordered parents first, and codes grow by two digits per level.
    for level in (1, 2, 3):
        fresh = [r for r in default_category_rows() if len(r["code"]) == level * 2 and r["code"] not in ids]
        if not fresh:
            continue
        session.execute(
            insert(Category),
            [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "level": level,
                    "parent_id": ids.get(r["code"][:-2]) if level > 1 else None,
                    "default_unit_type": r["default_unit_type"] or None,
                    "keywords": r["keywords"],
                    "active": True,
                }
                for r in fresh
            ],
        )
        ids.update(
            {
                code: cid
                for code, cid in session.execute(
                    select(Category.code, Category.id).where(Category.code.in_([r["code"] for r in fresh]))
                )
            }
        )
        added += len(fresh)
    session.flush()
    return added


def load_default_policies(session: Session) -> int:
    if session.execute(select(func.count()).select_from(TimeLimitPolicy)).scalar_one():
        return 0
    session.execute(insert(TimeLimitPolicy), [{"active": True, **p} for p in DEFAULT_POLICIES])
    session.flush()
    return len(DEFAULT_POLICIES)


# -- editing categories --------------------------------------------------------------------------------


def get_category(session: Session, code: str) -> Category:
    category = repository.by_code(session, code)
    if category is None:
        raise NotFound(f"分类 {code} 不存在")
    return category


def _category_errors(name: str, unit_type: str, keywords: str) -> dict[str, str]:
    errors = {}
    if not name or len(name) > 64:
        errors["name"] = "请填写分类名称（最多 64 个字）"
    if not UNIT_TYPE.match(unit_type):
        errors["default_unit_type"] = "默认承办单位类型只能是小写字母和下划线，如 urban_management"
    if len(keywords) > 2000:
        errors["keywords"] = "关键词合计最多 2000 个字符"
    return errors


def create_category(
    session: Session, *, actor: str, code: str, name: str, default_unit_type: str, keywords: str
) -> Category:
    """A new category under its parent (codes grow by two digits per level)."""
    errors = _category_errors(name, default_unit_type, keywords)
    parent = None
    if not CODE.match(code):
        errors["code"] = "分类编码为 2、4 或 6 位数字，每级两位，如 0203"
    elif repository.by_code(session, code) is not None:
        errors["code"] = f"分类编码 {code} 已存在"
    elif len(code) > 2:
        parent = repository.by_code(session, code[:-2])
        if parent is None:
            errors["code"] = f"上级分类 {code[:-2]} 不存在，请先新增上级分类"
    if errors:
        raise FieldErrors(errors)
    category = Category(
        code=code,
        name=name,
        level=len(code) // 2,
        parent_id=parent.id if parent else None,
        default_unit_type=default_unit_type or None,
        keywords=keywords,
        active=True,
    )
    session.add(category)
    session.flush()
    audit.record(session, actor=actor, action="category.create", target_type="category", target_id=code)
    return category


def update_category(
    session: Session,
    category: Category,
    *,
    actor: str,
    name: str,
    default_unit_type: str,
    keywords: str,
    active: bool,
) -> Category:
    errors = _category_errors(name, default_unit_type, keywords)
    if errors:
        raise FieldErrors(errors)
    wanted: dict[str, object] = {
        "name": name,
        "default_unit_type": default_unit_type or None,
        "keywords": keywords,
        "active": active,
    }
    changed = {field: value for field, value in wanted.items() if getattr(category, field) != value}
    for field, value in changed.items():
        setattr(category, field, value)
    if changed:
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="category.update",
            target_type="category",
            target_id=category.code,
            detail={"fields": sorted(changed)},
        )
    return category


# -- editing time-limit rules -----------------------------------------------------------------------


def get_policy(session: Session, policy_id: int) -> TimeLimitPolicy:
    policy = session.execute(
        select(TimeLimitPolicy).where(TimeLimitPolicy.id == policy_id)
    ).scalar_one_or_none()
    if policy is None:
        raise NotFound("时限规则不存在")
    return policy


def _policy_values(form: dict[str, str]) -> dict[str, Any]:
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
    if errors:
        raise FieldErrors(errors)
    return values


def save_policy(
    session: Session, *, actor: str, policy: TimeLimitPolicy | None, form: dict[str, str]
) -> TimeLimitPolicy:
    """Create (``policy`` None) or change a time-limit rule from its form fields (``POLICY_FIELDS``)."""
    values = _policy_values(form)
    target = policy or TimeLimitPolicy()
    for name, value in values.items():
        setattr(target, name, value)
    if policy is None:
        session.add(target)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="time_limit.create" if policy is None else "time_limit.update",
        target_type="time_limit",
        target_id=target.id,
        detail={"name": target.name},
    )
    return target
