"""Orchestration that spans domains, in one place (the habit of Netflix Dispatch's ``flows.py``).

Taking a demand in touches four domains: the case is stored (``intake``), triage classifies and
routes it and looks for duplicates (``zhili.triage``), and the audit log records it (``zhili.audit``).
Every channel (the API, the operator's form, the portal, Open311, grid patrols) calls
``take_demand``, so they all do the same, in the same order. The audit chain's lock is taken last,
so concurrent intakes queue behind it only for the append itself.
"""

from __future__ import annotations

import logging
from contextlib import nullcontext

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from zhili import metrics
from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.hooks import INTAKE_HOOKS
from zhili.cases.intake.service import Intake, create_case, find_retry
from zhili.cases.lifecycle import service as lifecycle
from zhili.cases.models import Case
from zhili.cases.schemas import ActionIn, CaseIn
from zhili.cases.states import CaseState
from zhili.db import Database, after_commit
from zhili.settings import Settings
from zhili.triage import autodispatch, decisions, pending
from zhili.triage import service as triage

log = logging.getLogger("zhili.cases")


def take_demand(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    body: CaseIn,
    idempotency_key: str | None = None,
    *,
    defer_triage: bool = False,
) -> Intake:
    """受理: store the demand, triage it and audit it; a retry with the same key returns the first case.

    ``defer_triage`` (the JSON API): triage is left to ``zhili.triage.pending`` once this transaction
    has committed, and the caller drains it after answering (``Intake.triage_deferred``). The case, its
    受理 event, its audit entry and the waiting mark still commit together before the answer. With
    auto-dispatch on, triage stays here: it may dispatch the case, which the answer reports.

    The audit chain's row lock is taken last, so concurrent intakes queue behind it only for the
    append and the commit (and, for a 建议 transferred to 人民建议征集, that transfer's own entries).

    Two retries racing with one key: the loser's insert breaks the key's unique index inside its
    savepoint, and it answers with the winner's case instead of an error.
    """
    if idempotency_key:
        earlier = find_retry(session, actor, idempotency_key, body)
        if earlier is not None:
            return Intake(earlier, False, None)
    auto = autodispatch.enabled(session)  # read before create_case writes
    try:
        with session.begin_nested() if idempotency_key else nullcontext():
            result = create_case(session, ctx, actor, body, idempotency_key)
    except IntegrityError:
        winner = find_retry(session, actor, idempotency_key, body) if idempotency_key else None
        if winner is None:
            raise
        return Intake(winner, False, None)
    case = result.case
    recommendation = None
    if defer_triage and not auto:
        pending.enqueue(session, case, ctx.now())
        result.triage_deferred = True
    else:
        recommendation = triage.on_intake(session, ctx, case)
    # Codes and enumerations only: never the citizen, the address or the text.
    log.info("受理诉求 %s（渠道 %s，%s）", case.code, body.channel.value, actor.username)
    after_commit(session, metrics.INTAKES.labels(channel=body.channel.value).inc)
    audit.record(
        session,
        actor=actor.username,
        action="case.create",
        target_type="case",
        target_id=case.code,
        detail={"channel": body.channel.value, "type": body.demand_type.value},
    )
    if recommendation is not None and auto:
        autodispatch.maybe_dispatch(session, ctx, case, recommendation)
    for hook in INTAKE_HOOKS:
        hook(session, ctx, actor, case, body)
    return result


def triage_deferred(db: Database, settings: Settings) -> None:
    """After the answer to an intake with ``defer_triage``: triage what waits (``zhili.triage.pending``)."""
    pending.drain_soon(db, settings)


def act(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    code: str,
    action: str,
    body: ActionIn,
    source: str = "api",
) -> Case:
    """办理: one lifecycle action; a case given its place (定位) is routed again by triage, so that the
    dispatcher sees a recommendation for where it now lies, and so is a case whose 退单 was approved
    (never to the unit that returned it). A dispatch is compared with triage's suggestion and the
    decision recorded, from the web (``source="web"``) as from the API."""
    case = lifecycle.perform(session, ctx, actor, code, action, body)
    if action == "locate":
        triage.on_located(session, ctx, case)
    elif action == "approve_return":
        triage.on_returned(session, ctx, case)
    if action in ("dispatch", "approve_return") and case.state == CaseState.dispatched:
        decisions.record_dispatch(
            session, actor, case, source=source, co_units=body.co_units, reason=body.note
        )
    return case
