"""Forms of 人民建议征集 (the portal's and the workbench's): what was typed, and the refusal of each
field in Chinese, so that a refused form comes back with the citizen's or the reviewer's text in it."""

from __future__ import annotations

from typing import TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from zhili.errors import ZhiliError
from zhili.web.validation import field_errors

M = TypeVar("M", bound=BaseModel)
LABELS = {
    "title": "标题",
    "content": "建议内容",
    "topic": "征集主题",
    "division_code": "涉及区域",
    "campaign": "征集活动",
    "name": "姓名",
    "phone": "手机号码",
    "consent_publish": "公开同意",
    "opens_on": "开始日期",
    "closes_on": "截止日期",
    "text": "说明",
    "unit": "部门",
    "year": "年度",
}
MAX_FIELD = 6000


class FormRefused(Exception):
    """A form's fields refused: ``errors`` maps each field to its Chinese message."""

    def __init__(self, errors: dict[str, str], status: int = 422) -> None:
        super().__init__("表单有误")
        self.errors = errors
        self.status = status


async def typed(request: Request, names: tuple[str, ...]) -> dict[str, str]:
    data = await request.form()
    return {k: str(data.get(k) or "").strip()[:MAX_FIELD] for k in names}


def parse(model: type[M], form: dict[str, str]) -> M:
    try:
        return model.model_validate({k: v for k, v in form.items() if v})
    except ValidationError as exc:
        raise FormRefused(field_errors(exc, LABELS)) from None


def refused(exc: ZhiliError) -> FormRefused:
    """A service's refusal on a form: under its field, else above the form; its own status."""
    return FormRefused(exc.form_errors(), exc.status)
