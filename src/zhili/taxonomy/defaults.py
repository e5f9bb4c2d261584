"""Default time-limit rules from Beijing practice (SPEC M4). Admins edit them as data."""

from __future__ import annotations

from typing import Any

# Each rule: matchers (None = any), the limits it sets, and its order of application.
DEFAULT_POLICIES: tuple[dict[str, Any], ...] = (
    {
        "name": "默认时限",
        "priority": 0,
        "sign_limit": "2h",
        "contact_limit": "24h",
        "feedback_limit": "7wd",
        "checkin_limit": "24h",
        "max_extension": "15d",
    },
    {"name": "紧急诉求", "priority": 10, "urgency": "urgent", "contact_limit": "2h", "checkin_limit": "2h"},
    {"name": "复杂诉求", "priority": 20, "complex_case": True, "feedback_limit": "15wd"},
    {"name": "公共服务企业", "priority": 30, "unit_kind": "enterprise", "feedback_limit": "24h"},
    {
        "name": "特急诉求",
        "priority": 40,
        "urgency": "emergency",
        "sign_limit": "15m",
        "contact_limit": "30m",
        "feedback_limit": "2h",
        "checkin_limit": "30m",
    },
)
