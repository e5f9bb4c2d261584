"""The lifecycle as a table: for each action, the states it may start from, where it leads, and who
may take it. The service enforces this table; a test walks every (action, state) pair against it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from zhili.auth.models import Role
from zhili.cases.policy import DISPATCHERS, OPERATORS, SUPERVISORS, UNITS
from zhili.cases.states import OPEN_STATES, CaseState

S = CaseState


class Party(enum.StrEnum):
    """Whose action it is, beyond the role: the centre, the lead unit, or a called co-unit."""

    centre = "centre"  # 12345 centre staff within whose scope the case lies
    lead_unit = "lead_unit"  # staff of the case's lead unit (主办单位)
    co_unit = "co_unit"  # staff of a unit called in by 吹哨


@dataclass(frozen=True)
class ActionRule:
    name: str
    label: str
    from_states: frozenset[CaseState]
    # None: the state does not change (the action only records something).
    to_state: CaseState | None
    roles: frozenset[Role]
    party: Party


HANDLING = frozenset({S.dispatched, S.signed, S.contacted})


def _rule(
    name: str,
    label: str,
    sources: set[CaseState] | frozenset[CaseState],
    to: CaseState | None,
    roles: frozenset[Role],
    party: Party,
) -> ActionRule:
    return ActionRule(name, label, frozenset(sources), to, roles, party)


RULES: dict[str, ActionRule] = {
    r.name: r
    for r in (
        _rule("locate", "定位", {S.received}, None, DISPATCHERS, Party.centre),
        _rule("dispatch", "派单", {S.received}, S.dispatched, DISPATCHERS, Party.centre),
        _rule("sign", "签收", {S.dispatched}, S.signed, UNITS, Party.lead_unit),
        _rule("contact", "联系市民", {S.signed}, S.contacted, UNITS, Party.lead_unit),
        _rule("report", "反馈", {S.contacted}, S.reported, UNITS, Party.lead_unit),
        _rule("visit", "回访", {S.reported}, S.visited, OPERATORS, Party.centre),
        _rule("close", "办结", {S.visited}, S.closed, OPERATORS, Party.centre),
        _rule("reopen", "重办", {S.visited, S.closed}, S.dispatched, DISPATCHERS, Party.centre),
        _rule("return", "退单", {S.dispatched, S.signed}, S.return_requested, UNITS, Party.lead_unit),
        _rule("approve_return", "同意退单", {S.return_requested}, S.received, DISPATCHERS, Party.centre),
        _rule("reject_return", "驳回退单", {S.return_requested}, S.dispatched, DISPATCHERS, Party.centre),
        _rule("request_extension", "申请延期", HANDLING, None, UNITS, Party.lead_unit),
        _rule("approve_extension", "批准延期", HANDLING, None, DISPATCHERS, Party.centre),
        _rule("deny_extension", "驳回延期", HANDLING, None, DISPATCHERS, Party.centre),
        _rule("supervise", "督办", OPEN_STATES - {S.received}, None, SUPERVISORS, Party.centre),
        _rule("whistle", "吹哨", {S.signed, S.contacted}, None, UNITS, Party.lead_unit),
        _rule("check_in", "报到", {S.signed, S.contacted}, None, UNITS, Party.co_unit),
        _rule("report_part", "协办反馈", {S.signed, S.contacted}, None, UNITS, Party.co_unit),
        _rule("merge", "合并", OPEN_STATES - {S.merged}, S.merged, OPERATORS, Party.centre),
        _rule("link", "关联", frozenset(CaseState), None, OPERATORS, Party.centre),
        _rule("direct_close", "直接办结", {S.received}, S.closed, OPERATORS, Party.centre),
    )
}
