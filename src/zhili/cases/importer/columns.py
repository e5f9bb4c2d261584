"""The columns a bulk-import file may carry: canonical names, Chinese header aliases, which are required
and which hold personal data (never written to the rejects file, logs or the audit trail)."""

from __future__ import annotations

from zhili.errors import ValidationFailed

# canonical name → Chinese header accepted as an alias
COLUMNS: dict[str, str] = {
    "code": "编号",
    "demand_type": "诉求类型",
    "urgency": "紧急程度",
    "category": "分类编码",
    "channel": "渠道",
    "title": "标题",
    "description": "诉求内容",
    "address": "地址",
    "lat": "纬度",
    "lng": "经度",
    "district_code": "区编码",
    "street_code": "街乡编码",
    "community_code": "社区编码",
    "citizen_name": "姓名",
    "citizen_phone": "电话",
    "citizen_id_number": "身份证号",
    "confidential": "保密",
    "received_at": "受理时间",
    "state": "状态",
    "dispatched_at": "派单时间",
    "signed_at": "签收时间",
    "contacted_at": "联系时间",
    "reported_at": "反馈时间",
    "visited_at": "回访时间",
    "closed_at": "办结时间",
    "lead_unit": "主办单位",
    "reply": "答复",
    "satisfaction": "满意度",
    "visit_solved": "是否解决",
    "visit_comment": "回访意见",
}

REQUIRED = ("demand_type", "channel", "title", "description", "received_at", "state")
PERSONAL = frozenset({"citizen_name", "citizen_phone", "citizen_id_number"})
# The legacy system's step times, in lifecycle order (received_at comes first and is required).
STEP_TIMES = ("dispatched_at", "signed_at", "contacted_at", "reported_at", "visited_at", "closed_at")
TIME_COLUMNS = ("received_at", *STEP_TIMES)

_ALIASES = {name: name for name in COLUMNS} | {label: name for name, label in COLUMNS.items()}


def canonical_header(headers: list[str]) -> dict[int, str]:
    """Map each known header's position to its canonical name; unknown headers are left out.

    A missing required column or a column given twice is a ValidationFailed naming the column.
    """
    found: dict[int, str] = {}
    seen: dict[str, str] = {}
    for position, header in enumerate(headers):
        raw = str(header or "").strip().lstrip("\ufeff")
        name = _ALIASES.get(raw) or _ALIASES.get(raw.lower())
        if name is None:
            continue
        if name in seen:
            raise ValidationFailed(f"列“{raw}”与“{seen[name]}”重复（都表示 {name}）", field=name)
        seen[name] = raw
        found[position] = name
    missing = [name for name in REQUIRED if name not in seen]
    if missing:
        labels = "、".join(f"{name}（{COLUMNS[name]}）" for name in missing)
        raise ValidationFailed(f"缺少必需的列：{labels}", field=missing[0])
    return found


def ignored_headers(headers: list[str], known: dict[int, str]) -> list[str]:
    return [str(h) for i, h in enumerate(headers) if i not in known and str(h or "").strip()]
