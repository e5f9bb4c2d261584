"""Web forms → the same pydantic shapes the API takes; the first problem is a 422 naming its field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BaseModel, ValidationError

from zhili.errors import ValidationFailed
from zhili.web.validation import chinese_message

M = TypeVar("M", bound=BaseModel)
FIELD_LABELS = {
    "resident_id": "居民",
    "choice": "表决意见",
    "body": "内容",
    "title": "标题",
    "summary": "决议内容",
    "held_at": "会议时间",
    "at": "时间",
    "activity_id": "活动",
    "place": "地点",
    "attendees": "参会人数",
    "minutes": "纪要",
    "follow_ups.0.assignee": "跟进责任方",
    "support_threshold": "附议门槛",
    "hours": "时长",
    "note": "说明",
    "value": "指标值",
    "evidence": "依据",
    "as_of": "统计日期",
    "community_code": "社区",
    "established_on": "建立日期",
    "model_name": "协商模式",
    "population": "常住人口",
    "households": "户数",
    "area_km2": "面积",
    "service_space_m2": "服务用房面积",
    "property_coverage": "物业服务覆盖率",
    "facilities": "设施",
    "name": "姓名",
    "phone": "手机号",
    "starts_at": "开始时间",
    "ends_at": "结束时间",
    "topic": "议题",
    "code": "编码",
}


def parse(model: type[M], data: Mapping[str, Any]) -> M:
    try:
        return model.model_validate({k: v for k, v in data.items() if v not in (None, "")})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first.get("loc", ())) or None
        label = FIELD_LABELS.get(field or "", FIELD_LABELS.get((field or "").split(".")[-1], "此项"))
        raise ValidationFailed(chinese_message(first, label), field=field) from None


async def form_data(request: Request) -> dict[str, Any]:
    form = await request.form()
    return {key: value for key, value in form.items() if key != "csrf_token" and isinstance(value, str)}
