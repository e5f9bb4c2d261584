"""Where a suggestion comes from, its states and the actions between them (a table, as for cases,
信访 and disputes). A decision (采纳, 部分采纳, 留存参考, 不予采纳) always carries its reason; 成果转化
and 优秀建议 follow an adopted suggestion without changing its state."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class SuggestionSource(enum.StrEnum):
    portal = "portal"  # 门户网站提交
    campaign = "campaign"  # 响应征集活动
    hotline = "hotline"  # 12345 建议类诉求转入


SOURCE_LABELS = {
    SuggestionSource.portal: "网上提交",
    SuggestionSource.campaign: "响应征集",
    SuggestionSource.hotline: "12345建议转入",
}


class SuggestionState(enum.StrEnum):
    submitted = "submitted"  # 已提交
    reviewing = "reviewing"  # 审阅中
    adopted = "adopted"  # 采纳
    partly_adopted = "partly_adopted"  # 部分采纳
    kept = "kept"  # 留存参考
    declined = "declined"  # 不予采纳


STATE_LABELS = {
    SuggestionState.submitted: "已提交",
    SuggestionState.reviewing: "审阅中",
    SuggestionState.adopted: "采纳",
    SuggestionState.partly_adopted: "部分采纳",
    SuggestionState.kept: "留存参考",
    SuggestionState.declined: "不予采纳",
}
DECIDED_STATES = frozenset(
    {SuggestionState.adopted, SuggestionState.partly_adopted, SuggestionState.kept, SuggestionState.declined}
)
ADOPTED_STATES = frozenset({SuggestionState.adopted, SuggestionState.partly_adopted})
OPEN_STATES = frozenset(SuggestionState) - DECIDED_STATES


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset[SuggestionState]
    target: SuggestionState | None  # None: the state stays (a record beside it)
    by_department: bool = False  # the department it was forwarded to takes it, not the reviewer


_REVIEWING = frozenset({SuggestionState.reviewing})

RULES: dict[str, Rule] = {
    "review": Rule("开始审阅", frozenset({SuggestionState.submitted}), SuggestionState.reviewing),
    "forward": Rule("转部门研提意见", _REVIEWING, None),
    "opinion": Rule("部门反馈意见", _REVIEWING, None, by_department=True),
    "adopt": Rule("采纳", _REVIEWING, SuggestionState.adopted),
    "partly_adopt": Rule("部分采纳", _REVIEWING, SuggestionState.partly_adopted),
    "keep": Rule("留存参考", _REVIEWING, SuggestionState.kept),
    "decline": Rule("不予采纳", _REVIEWING, SuggestionState.declined),
    "record_result": Rule("登记成果转化", ADOPTED_STATES, None),
    "mark_excellent": Rule("评为优秀建议", ADOPTED_STATES, None),
}
# The decisions: each needs a reason, and is what the citizen's tracking page shows.
DECISIONS = ("adopt", "partly_adopt", "keep", "decline")
