"""Codes shown to people become names: an audit entry's detail says 派单员, not dispatcher.

Built here, above the domains, from each domain's own labels (roles, unit kinds and types, case
states); ``zhili.app`` registers ``readable_detail`` as a template filter."""

from __future__ import annotations

import json
from typing import Any

from zhili.auth.models import ROLE_LABELS
from zhili.cases.states import STATE_LABELS
from zhili.units.directory import UNIT_TYPE_LABELS
from zhili.units.models import UNIT_KIND_LABELS

CODE_NAMES: dict[str, str] = {
    **UNIT_TYPE_LABELS,
    **{k.value: v for k, v in UNIT_KIND_LABELS.items()},
    **{k.value: v for k, v in STATE_LABELS.items()},
    **{k.value: v for k, v in ROLE_LABELS.items()},
}
KEY_NAMES = {
    "role": "角色",
    "unit": "单位",
    "unit_id": "单位",
    "state": "状态",
    "kind": "类别",
    "channel": "渠道",
    "type": "类型",
    "found": "找到",
    "days": "天数",
    "community": "社区",
    "active": "启用",
}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_value(v) for v in value)
    if isinstance(value, str):
        return CODE_NAMES.get(value, value)
    return str(value)


def readable_detail(detail: str | None) -> str:
    """``{"role": "dispatcher"}`` → ``角色：派单员``; text that is not a JSON object is kept."""
    if not detail or detail == "{}":
        return ""
    try:
        data = json.loads(detail)
    except ValueError:
        return detail
    if not isinstance(data, dict):
        return _value(data)
    return "；".join(f"{KEY_NAMES.get(k, k)}：{_value(v)}" for k, v in data.items())


TARGET_NAMES = {
    "analytics_task": "主动治理任务",
    "api_key": "接口密钥",
    "assessment_appeal": "考核申诉",
    "assessment_rule_set": "考核规则",
    "assessment_run": "考核结果",
    "caller": "来电人",
    "case": "诉求",
    "category": "诉求分类",
    "community": "社区",
    "division": "行政区划",
    "facility": "设施",
    "file": "文件",
    "grid_cell": "网格",
    "indicator": "规划指标",
    "person": "网格人员",
    "plan": "规划",
    "resident": "居民",
    "routing_rule": "分流规则",
    "social_org": "社会组织",
    "street_hub": "街道孵化机构",
    "time_limit": "办理时限",
    "topic": "议题",
    "unit": "单位",
    "user": "用户",
    "volunteer": "志愿者",
}


def target_name(target_type: str | None) -> str:
    return TARGET_NAMES.get(target_type or "", target_type or "")
