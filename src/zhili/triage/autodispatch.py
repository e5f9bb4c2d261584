"""Auto-dispatch (自动派单), off by default: when an admin turns it on, a new case whose suggestion is
at least as confident as the threshold is dispatched to the suggested unit at intake, by the
lifecycle's own ``dispatch`` action (its checks, deadlines, timeline and audit), and the decision is
recorded like any other. The admin chooses the threshold beside the measured precision of past
suggestions at it (``report.precision_curve``).

A case is left for a person when it has no place yet, no suggested unit, or possible duplicates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle import service as lifecycle
from zhili.cases.models import Case
from zhili.cases.schemas import ActionIn
from zhili.kernel.clock import utcnow
from zhili.triage import decisions, report
from zhili.triage.models import TriageSetting
from zhili.triage.policy import auto_dispatcher
from zhili.triage.schemas import AutoDispatchIn, AutoDispatchOut

AUTO_ACTOR = "auto-dispatch"
DEFAULT_THRESHOLD = 0.9


def current(session: Session) -> TriageSetting:
    """The stored setting, or the default (off, 0.9) when no admin has set one."""
    row = session.scalars(select(TriageSetting).order_by(TriageSetting.id).limit(1)).first()
    return row or TriageSetting(auto_dispatch=False, auto_threshold=DEFAULT_THRESHOLD)


_ENABLED = select(TriageSetting.auto_dispatch).order_by(TriageSetting.id).limit(1)


def enabled(session: Session) -> bool:
    """Whether auto-dispatch is on: one column, read on every intake."""
    return bool(session.execute(_ENABLED).scalar())


def describe(session: Session, actor: Actor) -> AutoDispatchOut:
    setting = current(session)
    threshold = float(setting.auto_threshold)
    measured, *curve = report.precision_curve(session, actor, [threshold, *report.CURVE])
    return AutoDispatchOut(
        enabled=bool(setting.auto_dispatch),
        threshold=threshold,
        measured=measured,
        curve=curve,
        updated_by=setting.updated_by,
        updated_at=setting.updated_at,
    )


def update(session: Session, actor: Actor, body: AutoDispatchIn) -> AutoDispatchOut:
    setting = current(session)
    before = {"enabled": bool(setting.auto_dispatch), "threshold": setting.auto_threshold}
    setting.auto_dispatch, setting.auto_threshold = body.enabled, body.threshold
    setting.updated_by, setting.updated_at = actor.username, utcnow()
    session.add(setting)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="triage.auto_dispatch",
        target_type="triage_settings",
        target_id=setting.id,
        detail={"before": before, "after": body.model_dump()},
    )
    return describe(session, actor)


def maybe_dispatch(session: Session, ctx: CaseContext, case: Case, rec: dict[str, Any]) -> bool:
    """Dispatch a newly taken case to its suggested unit when auto-dispatch is on and the suggestion
    is confident enough. Returns whether it did."""
    setting = current(session)
    confidence = float(rec.get("confidence") or 0.0)
    if not setting.auto_dispatch or confidence < setting.auto_threshold:
        return False
    if rec.get("lead_unit_code") is None or case.division_code is None or rec.get("duplicates") != "[]":
        return False
    actor = auto_dispatcher(AUTO_ACTOR)
    co_units = [c for c in str(rec.get("co_unit_codes") or "").split(",") if c]
    note = f"自动派单：智能分流建议置信度 {confidence:.0%}，不低于阈值 {setting.auto_threshold:.0%}"
    body = ActionIn(
        lead_unit=rec["lead_unit_code"],
        co_units=co_units,
        category=None if case.category_id else rec.get("category_code"),
        note=note,
    )
    lifecycle.perform(session, ctx, actor, case.code, "dispatch", body)
    decisions.record_dispatch(session, actor, case, source="auto", co_units=co_units, auto=True)
    return True
