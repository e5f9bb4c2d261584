"""Pydantic's refusals in Chinese, naming the field: no form shows "String should match pattern"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError


def chinese_message(error: Any, label: str) -> str:
    """One pydantic error (``ValidationError.errors()[i]``) as a Chinese sentence about ``label``."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return f"请填写{label}"
    if kind == "string_too_long":
        return f"{label}过长，最多 {ctx.get('max_length')} 个字"
    if kind == "string_too_short":
        return f"{label}过短，至少 {ctx.get('min_length')} 个字"
    if kind == "string_pattern_mismatch":
        return f"{label}格式不正确"
    if kind in ("too_long", "too_short"):
        return f"{label}数量不符合要求"
    if kind.startswith(("int_", "float_", "decimal_")):
        return f"{label}需要填写数字"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        return f"{label}超出允许范围（{bound}）"
    if kind.startswith(("datetime_", "date_", "time_")):
        return f"{label}不是有效的日期或时间"
    if kind in ("enum", "literal_error"):
        return f"{label}：请从列表中选择"
    if kind.startswith("bool"):
        return f"{label}：请选择是或否"
    message = str(error.get("msg", "格式不正确")).removeprefix("Value error, ")
    if message.isascii():  # pydantic's English text never reaches a user
        message = "格式不正确"
    return f"{label}：{message}" if label else message


def field_errors(exc: ValidationError, labels: Mapping[str, str]) -> dict[str, str]:
    """A refused form's errors, field → Chinese sentence naming it (``labels``: field → its name on the
    form); the first error of each field, and ``form`` for an error of the whole body."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error.get("loc", ())]
        field = loc[-1] if loc else "form"
        errors.setdefault(field, chinese_message(error, labels.get(field, "此项")))
    return errors
