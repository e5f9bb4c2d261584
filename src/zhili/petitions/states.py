"""The states of a 信访事项, the actions between them (a table, as for cases), and each step's
time limit. Limits are durations on the working-day calendar of ``kernel.worktime`` ("15wd")."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from zhili.kernel.worktime import Duration


class PetitionChannel(enum.StrEnum):
    online = "online"  # 网上信访
    letter = "letter"  # 来信
    visit = "visit"  # 来访
    hotline = "hotline"  # 12345 诉求转信访 (escalated by the citizen)


CHANNEL_LABELS = {
    PetitionChannel.online: "网上信访",
    PetitionChannel.letter: "来信",
    PetitionChannel.visit: "来访",
    PetitionChannel.hotline: "12345诉求转信访",
}


class MatterState(enum.StrEnum):
    registered = "registered"  # 已登记，待处理（受理/转送/交办/不予受理）
    referred = "referred"  # 已转送/交办，待有权处理机关决定受理
    handling = "handling"  # 办理中
    replied = "replied"  # 已出具答复意见书
    reviewing = "reviewing"  # 复查中
    reviewed = "reviewed"  # 已出具复查意见
    rechecking = "rechecking"  # 复核中
    refused = "refused"  # 不予受理
    concluded = "concluded"  # 已终结


STATE_LABELS = {
    MatterState.registered: "待处理",
    MatterState.referred: "已转送/交办，待受理",
    MatterState.handling: "办理中",
    MatterState.replied: "已答复",
    MatterState.reviewing: "复查中",
    MatterState.reviewed: "已复查",
    MatterState.rechecking: "复核中",
    MatterState.refused: "不予受理",
    MatterState.concluded: "已终结",
}
CLOSED_STATES = frozenset({MatterState.refused, MatterState.concluded})
OPEN_STATES = frozenset(MatterState) - CLOSED_STATES


class BodyRole(enum.StrEnum):
    handling = "handling"  # 办理机关（转送/交办的对象）
    review = "review"  # 复查机关（原办理机关的上一级）
    recheck = "recheck"  # 复核机关（复查机关的上一级）


class LeaderActionKind(enum.StrEnum):
    reception = "reception"  # 接访
    meeting = "meeting"  # 协调会
    supervision = "supervision"  # 督办
    field_visit = "field_visit"  # 下访/约访


LEADER_ACTION_LABELS = {
    LeaderActionKind.reception: "接访",
    LeaderActionKind.meeting: "协调会",
    LeaderActionKind.supervision: "督办",
    LeaderActionKind.field_visit: "下访约访",
}


class ReceptionKind(enum.StrEnum):
    reception_day = "reception_day"  # 领导接访日
    field_visit = "field_visit"  # 下访


RECEPTION_LABELS = {ReceptionKind.reception_day: "领导接访日", ReceptionKind.field_visit: "下访"}


# Each step's limit (《信访工作条例》2022: 第二十二条 15日, 第三十二条 60日 + 30日, 第三十五条/第三十六条
# 30日 + 30日). Counted on the working-day calendar, as the issue asks; see docs/petitions.md.
LIMITS = {
    "decide": Duration.parse("15wd"),  # 登记后：受理、转送、交办或不予受理
    "take": Duration.parse("15wd"),  # 转送/交办后：有权处理机关决定是否受理
    "handle": Duration.parse("60wd"),  # 受理后：办结并出具答复意见书
    "request_review": Duration.parse("30wd"),  # 收到答复后：申请复查的期限
    "review": Duration.parse("30wd"),  # 收到复查请求后：出具复查意见
    "request_recheck": Duration.parse("30wd"),  # 收到复查意见后：申请复核的期限
    "recheck": Duration.parse("30wd"),  # 收到复核请求后：出具复核意见
}
MAX_EXTENSION_DAYS = 30  # 延长一次，不超过 30 日，并告知理由

# The limit that runs in each state (None: no deadline runs).
STATE_LIMIT: dict[MatterState, str | None] = {
    MatterState.registered: "decide",
    MatterState.referred: "take",
    MatterState.handling: "handle",
    MatterState.replied: "request_review",
    MatterState.reviewing: "review",
    MatterState.reviewed: "request_recheck",
    MatterState.rechecking: "recheck",
    MatterState.refused: None,
    MatterState.concluded: None,
}
# In these states the deadline is the petitioner's window, not an office's duty: no 预警/超期 flags.
PETITIONER_WINDOWS = frozenset({MatterState.replied, MatterState.reviewed})
# A 积案 waits on an office or a body: a matter in the petitioner's window is answered, not backlog.
BACKLOG_STATES = OPEN_STATES - PETITIONER_WINDOWS


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset[MatterState]
    target: MatterState | None  # None: the state stays (延期)
    by_body: bool = False  # a body the matter was sent to may take it, besides the 信访 office


RULES: dict[str, Rule] = {
    "accept": Rule("受理（本机关办理）", frozenset({MatterState.registered}), MatterState.handling),
    "refer": Rule("转送/交办", frozenset({MatterState.registered}), MatterState.referred),
    "refuse": Rule(
        "不予受理", frozenset({MatterState.registered, MatterState.referred}), MatterState.refused, True
    ),
    "take": Rule("受理（有权处理机关）", frozenset({MatterState.referred}), MatterState.handling, True),
    "extend": Rule("延长办理期限", frozenset({MatterState.handling}), None, True),
    "reply": Rule("出具答复意见书", frozenset({MatterState.handling}), MatterState.replied, True),
    "request_review": Rule("申请复查", frozenset({MatterState.replied}), MatterState.reviewing),
    "review": Rule("出具复查意见", frozenset({MatterState.reviewing}), MatterState.reviewed, True),
    "request_recheck": Rule("申请复核", frozenset({MatterState.reviewed}), MatterState.rechecking),
    "recheck": Rule("出具复核意见（终结）", frozenset({MatterState.rechecking}), MatterState.concluded, True),
    "conclude": Rule(
        "终结（申请期限届满）", frozenset({MatterState.replied, MatterState.reviewed}), MatterState.concluded
    ),
}
