"""办理: apply one action to a case. Checks run in a fixed order, each with a message that says why:

1. the case must be readable by the actor (otherwise 404, exactly as a missing case);
2. the version the client saw, if sent, must be current (409);
3. the actor's role must be allowed (403);
4. the action must be legal in the current state (409);
5. the actor's unit must have the right part in the case: lead unit or called co-unit (403).

The case row's version column makes two concurrent actions on one case conflict: the loser's
UPDATE matches no row and is answered 409. An action on two cases (合并, 关联) locks both rows in the
order of their ids before it reads either: A into B at the same moment as B into A then queue up
instead of deadlocking, and the second finds the first's result (409).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from zhili.audit import service as audit
from zhili.auth.models import ROLE_LABELS
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle import handlers
from zhili.cases.lifecycle.transitions import RULES, ActionRule, Party
from zhili.cases.models import Case
from zhili.cases.policy import can_take_action
from zhili.cases.repository import get_readable, is_co_unit, readable_cases
from zhili.cases.schemas import ActionIn
from zhili.cases.states import STATE_LABELS
from zhili.errors import Conflict, Forbidden, NotFound

STALE_MESSAGE = "该诉求刚被他人更新，请刷新后重试"


def rule_for(action: str) -> ActionRule:
    rule = RULES.get(action)
    if rule is None:
        raise NotFound(f"未知的操作：{action}")
    return rule


def check_role(actor: Actor, rule: ActionRule) -> None:
    if not can_take_action(actor, rule):
        allowed = "、".join(ROLE_LABELS[r] for r in sorted(rule.roles))
        raise Forbidden(f"“{rule.label}”需要以下角色：{allowed}")


def check_party(session: Session, actor: Actor, rule: ActionRule, case: Case) -> None:
    if rule.party == Party.lead_unit:
        if actor.unit_id is None or actor.unit_id != case.lead_unit_id:
            raise Forbidden(f"只有本诉求的主办单位可以{rule.label}")
    elif rule.party == Party.co_unit and not is_co_unit(session, actor, case):
        raise Forbidden(f"只有被吹哨召集的协办单位可以{rule.label}")


def check_state(rule: ActionRule, case: Case) -> None:
    if case.state not in rule.from_states:
        raise Conflict(f"诉求当前状态为“{STATE_LABELS[case.state]}”，不能{rule.label}")


def apply_step(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    case: Case,
    action: str,
    change: Callable[[], None],
    *,
    client_ip: str | None = None,
    detail: dict[str, object] | None = None,
) -> None:
    """Make ``change`` one version step of the case, answer a lost race with 409, and audit it."""
    case.version += 1
    try:
        change()
        case.updated_at = ctx.now()
        session.flush()
    except StaleDataError:
        raise Conflict(STALE_MESSAGE) from None
    audit.record(
        session,
        actor=actor.username,
        action=f"case.{action}",
        target_type="case",
        target_id=case.code,
        client_ip=client_ip,
        detail={"state": case.state.value, **(detail or {})},
    )


PAIRED_ACTIONS = frozenset({"merge", "link"})


def lock_pair(session: Session, actor: Actor, code: str, other: str) -> None:
    """Lock two readable cases in the order of their ids (PostgreSQL; SQLite writers queue anyway)."""
    ids = session.execute(select(readable_cases(actor).where(Case.code.in_((code, other))).subquery().c.id))
    session.execute(
        select(Case.id).where(Case.id.in_(ids.scalars().all())).order_by(Case.id).with_for_update()
    )


def perform(session: Session, ctx: CaseContext, actor: Actor, code: str, action: str, body: ActionIn) -> Case:
    rule = rule_for(action)
    if action in PAIRED_ACTIONS and body.target and body.target != code:
        lock_pair(session, actor, code, body.target)
    # Lock the row (PostgreSQL): concurrent actions on one case queue up instead of interleaving.
    case = get_readable(session, actor, code, for_update=True)
    if body.version is not None and body.version != case.version:
        raise Conflict(f"{STALE_MESSAGE}（您看到的是第 {body.version} 版，当前为第 {case.version} 版）")
    check_role(actor, rule)
    check_state(rule, case)
    check_party(session, actor, rule, case)
    apply_step(
        session, ctx, actor, case, action, lambda: handlers.HANDLERS[action](session, ctx, actor, case, body)
    )
    return case
