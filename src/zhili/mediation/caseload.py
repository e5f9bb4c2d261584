"""A mediator's caseload as the pages show it: each dispute with its next step and its deadline, and
which steps the reader may take on a dispute now (the state table, the reader's permission and the
司法确认 stage).

Deadlines: an open dispute is due one month after it was received (司法部《人民调解工作若干规定》
第三十八条：“人民调解委员会调解纠纷，一般在一个月内调结”; the court's 委派调解 likewise has
thirty days); an agreement waits for its 履行期限, after which the follow-up is due."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.kernel.clock import as_aware
from zhili.mediation import views
from zhili.mediation.models import Dispute
from zhili.mediation.policy import can_mediate
from zhili.mediation.states import OPEN_STATES, RULES, Confirmation, DisputeState

MEDIATION_DAYS = 30


def next_step(d: Dispute) -> str:
    if d.state == DisputeState.registered:
        return "分流"
    if d.state == DisputeState.routed:
        return "记录调解" if d.mediator_id else "指派调解员"
    if d.state == DisputeState.mediating:
        return "继续调解或登记调解结果"
    if d.state == DisputeState.agreed:
        return "登记司法确认结果" if d.confirmation == Confirmation.applied else "回访协议履行情况"
    return "—"


def primary_action(d: Dispute) -> str | None:
    """The step the next step names: its form opens first on the dispute page."""
    if d.state == DisputeState.registered:
        return "route"
    if d.state == DisputeState.routed:
        return "session" if d.mediator_id else "assign"
    if d.state == DisputeState.mediating:
        return "succeed"
    if d.state == DisputeState.agreed:
        return "confirmation_result" if d.confirmation == Confirmation.applied else "follow_up"
    return None


def deadline(d: Dispute, tz: ZoneInfo) -> tuple[str, date] | None:
    if d.state == DisputeState.agreed and d.performance_due:
        return "履行期限", d.performance_due
    if d.state in OPEN_STATES and d.state != DisputeState.agreed:
        return "调解期限", as_aware(d.received_at).astimezone(tz).date() + timedelta(days=MEDIATION_DAYS)
    return None


def row(session: Session, d: Dispute, tz: ZoneInfo, today: date) -> dict[str, Any]:
    due = deadline(d, tz)
    return {
        "d": views.summary(session, d),
        "next_step": next_step(d),
        "due_label": due[0] if due else None,
        "due_on": due[1] if due else None,
        "overdue": bool(due and due[1] < today),
    }


def actions(actor: Actor, d: Dispute) -> list[tuple[str, str]]:
    """The steps the reader may take now, in the order of the course."""
    if not can_mediate(actor):
        return []
    found = []
    for name, rule in RULES.items():
        if d.state not in rule.sources:
            continue
        if name == "apply_confirmation" and d.confirmation != Confirmation.none:
            continue
        if name == "confirmation_result" and d.confirmation != Confirmation.applied:
            continue
        found.append((name, rule.label))
    return found
