"""Lifecycle states of a case and their Chinese labels (SPEC M4)."""

from __future__ import annotations

import enum


class CaseState(enum.StrEnum):
    received = "received"  # 已受理
    dispatched = "dispatched"  # 已派单
    signed = "signed"  # 已签收
    contacted = "contacted"  # 已联系
    reported = "reported"  # 已反馈
    visited = "visited"  # 已回访
    closed = "closed"  # 已办结
    return_requested = "return_requested"  # 退单待审
    merged = "merged"  # 已合并


STATE_LABELS = {
    CaseState.received: "已受理",
    CaseState.dispatched: "已派单",
    CaseState.signed: "已签收",
    CaseState.contacted: "已联系",
    CaseState.reported: "已反馈",
    CaseState.visited: "已回访",
    CaseState.closed: "已办结",
    CaseState.return_requested: "退单审核中",
    CaseState.merged: "已合并",
}

# The main line of the lifecycle, in order (the branches 退单待审 and 已合并 sit beside it).
MAIN_LINE = (
    CaseState.received,
    CaseState.dispatched,
    CaseState.signed,
    CaseState.contacted,
    CaseState.reported,
    CaseState.visited,
    CaseState.closed,
)

FINAL_STATES = frozenset({CaseState.closed, CaseState.merged})
OPEN_STATES = frozenset(set(CaseState) - FINAL_STATES)
# States in which the lead unit is working on the case.
HANDLING_STATES = frozenset({CaseState.dispatched, CaseState.signed, CaseState.contacted})


class Satisfaction(enum.StrEnum):
    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


SATISFACTION_LABELS = {
    Satisfaction.satisfied: "满意",
    Satisfaction.basically_satisfied: "基本满意",
    Satisfaction.unsatisfied: "不满意",
}


class ClosureKind(enum.StrEnum):
    handled = "handled"  # 办结 after 回访
    direct = "direct"  # 直接办结 from the knowledge base
    unreachable = "unreachable"  # closed after the citizen could not be reached
    imported = "imported"  # migrated from a legacy system


class AssignmentRole(enum.StrEnum):
    lead = "lead"  # 主办
    co = "co"  # 协办 (吹哨报到)


class AssignmentStatus(enum.StrEnum):
    called = "called"  # 已吹哨, waiting for 报到
    checked_in = "checked_in"  # 已报到
    reported = "reported"  # 已反馈其负责部分
    released = "released"  # no longer involved (re-dispatch)
