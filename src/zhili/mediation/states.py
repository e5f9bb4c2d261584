"""The kinds, sources and tracks of a dispute, its states and the actions between them (a table, as
for cases and 信访), and the paths a failed mediation may take next."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class DisputeKind(enum.StrEnum):
    neighbour = "neighbour"  # 邻里纠纷
    family = "family"  # 婚姻家庭纠纷
    property_service = "property_service"  # 物业纠纷
    labour = "labour"  # 劳动争议
    consumer = "consumer"  # 消费纠纷
    land_housing = "land_housing"  # 土地/房屋纠纷
    other = "other"  # 其他


KIND_LABELS = {
    DisputeKind.neighbour: "邻里纠纷",
    DisputeKind.family: "婚姻家庭纠纷",
    DisputeKind.property_service: "物业纠纷",
    DisputeKind.labour: "劳动争议",
    DisputeKind.consumer: "消费纠纷",
    DisputeKind.land_housing: "土地/房屋纠纷",
    DisputeKind.other: "其他纠纷",
}


class DisputeSource(enum.StrEnum):
    committee = "committee"  # 人民调解委员会受理
    department = "department"  # 行政机关移送
    court = "court"  # 法院诉前委派调解
    grid = "grid"  # 网格员巡查发现
    hotline = "hotline"  # 12345 诉求转入
    citizen = "citizen"  # 群众网上申请调解
    screening = "screening"  # 矛盾纠纷排查发现


SOURCE_LABELS = {
    DisputeSource.committee: "人民调解委员会受理",
    DisputeSource.department: "部门移送",
    DisputeSource.court: "法院诉前委派",
    DisputeSource.grid: "网格巡查发现",
    DisputeSource.hotline: "12345诉求转入",
    DisputeSource.citizen: "群众网上申请",
    DisputeSource.screening: "矛盾纠纷排查发现",
}


class Track(enum.StrEnum):
    people = "people"  # 人民调解
    administrative = "administrative"  # 行政调解
    judicial = "judicial"  # 司法调解（诉调对接）


TRACK_LABELS = {Track.people: "人民调解", Track.administrative: "行政调解", Track.judicial: "司法调解"}


class DisputeState(enum.StrEnum):
    registered = "registered"  # 已登记，待分流
    routed = "routed"  # 已分流，待调解
    mediating = "mediating"  # 调解中
    agreed = "agreed"  # 调解成功，待回访履行情况
    performed = "performed"  # 协议已履行
    unperformed = "unperformed"  # 协议未履行
    failed = "failed"  # 调解不成


STATE_LABELS = {
    DisputeState.registered: "待分流",
    DisputeState.routed: "待调解",
    DisputeState.mediating: "调解中",
    DisputeState.agreed: "调解成功，待回访",
    DisputeState.performed: "协议已履行",
    DisputeState.unperformed: "协议未履行",
    DisputeState.failed: "调解不成",
}
CLOSED_STATES = frozenset({DisputeState.performed, DisputeState.unperformed, DisputeState.failed})
OPEN_STATES = frozenset(DisputeState) - CLOSED_STATES


class NextPath(enum.StrEnum):
    litigation = "litigation"  # 诉讼
    arbitration = "arbitration"  # 仲裁
    administrative_ruling = "administrative_ruling"  # 行政裁决


NEXT_PATH_LABELS = {
    NextPath.litigation: "诉讼",
    NextPath.arbitration: "仲裁",
    NextPath.administrative_ruling: "行政裁决",
}


class Confirmation(enum.StrEnum):
    none = "none"  # 未申请
    applied = "applied"  # 已申请司法确认
    confirmed = "confirmed"  # 法院裁定确认有效
    rejected = "rejected"  # 法院裁定不予确认


CONFIRMATION_LABELS = {
    Confirmation.none: "未申请司法确认",
    Confirmation.applied: "已申请司法确认",
    Confirmation.confirmed: "已司法确认",
    Confirmation.rejected: "法院不予确认",
}


@dataclass(frozen=True)
class Rule:
    label: str
    sources: frozenset[DisputeState]
    target: DisputeState | None  # None: the step decides (回访) or the state stays


_ACTIVE = frozenset({DisputeState.routed, DisputeState.mediating})
_AGREED = frozenset({DisputeState.agreed, DisputeState.performed, DisputeState.unperformed})

RULES: dict[str, Rule] = {
    "route": Rule("分流", frozenset({DisputeState.registered}), DisputeState.routed),
    "assign": Rule("指派调解员", _ACTIVE, None),
    "session": Rule("记录调解", _ACTIVE, DisputeState.mediating),
    "succeed": Rule("调解成功，签订调解协议", frozenset({DisputeState.mediating}), DisputeState.agreed),
    "fail": Rule("调解不成，告知后续途径", _ACTIVE, DisputeState.failed),
    "apply_confirmation": Rule("申请司法确认", frozenset({DisputeState.agreed}), None),
    "confirmation_result": Rule("登记司法确认结果", _AGREED, None),
    "follow_up": Rule("回访协议履行情况", frozenset({DisputeState.agreed}), None),
}
