"""The review of a suggestion, step by step (table ``states.RULES``): 审阅, 转部门研提意见 and the
department's opinion, the decision with its reason, 成果转化 and 优秀建议.

Reviewers act on the suggestions of their office's jurisdiction; a department gives its opinion only
on a suggestion forwarded to it. Every check runs before any write, so a refused step writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.cases.context import CaseContext
from zhili.errors import Conflict, Forbidden, NotFound, ValidationFailed
from zhili.suggestions import repository as suggestions
from zhili.suggestions.models import Suggestion, SuggestionStep
from zhili.suggestions.policy import can_handle_suggestion, may_act
from zhili.suggestions.schemas import SuggestionStepIn
from zhili.suggestions.states import RULES, STATE_LABELS, SuggestionState
from zhili.units.models import Unit

Step = Callable[[Session, CaseContext, Suggestion, SuggestionStepIn, datetime], str]


def record_step(
    session: Session,
    suggestion: Suggestion,
    action: str,
    actor_name: str,
    at: datetime,
    *,
    from_state: SuggestionState | None,
    note: str | None,
) -> SuggestionStep:
    step = SuggestionStep(
        suggestion_id=suggestion.id,
        action=action,
        from_state=from_state.value if from_state else None,
        to_state=suggestion.state.value,
        actor=actor_name,
        at=at,
        note=note,
    )
    session.add(step)
    session.flush()
    return step


def _required(value: str | None, field: str, message: str) -> str:
    if not value:
        raise ValidationFailed(message, field=field)
    return value


def _review(session: Session, ctx: CaseContext, s: Suggestion, body: SuggestionStepIn, at: datetime) -> str:
    return "开始审阅" + (f"：{body.text}" if body.text else "")


def _forward(session: Session, ctx: CaseContext, s: Suggestion, body: SuggestionStepIn, at: datetime) -> str:
    code = _required(body.unit, "unit", "请选择转请研提意见的部门")
    unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is None or not unit.active:
        raise ValidationFailed(f"单位编码 {code} 不存在或已停用", field="unit")
    s.department_unit_id = unit.id
    s.department_opinion = None
    return f"转{unit.name}研提意见" + (f"：{body.text}" if body.text else "")


def _opinion(session: Session, ctx: CaseContext, s: Suggestion, body: SuggestionStepIn, at: datetime) -> str:
    s.department_opinion = _required(body.text, "text", "请填写部门意见")
    return f"部门意见：{s.department_opinion}"


def _decide(label: str) -> Step:
    def decide(
        session: Session, ctx: CaseContext, s: Suggestion, body: SuggestionStepIn, at: datetime
    ) -> str:
        s.reason = _required(body.text, "text", f"请填写{label}的理由（将告知建议人）")
        s.decided_at = at
        s.decided_month = at.astimezone(ctx.tz).strftime("%Y-%m")
        return f"{label}：{s.reason}"

    return decide


def _result(session: Session, ctx: CaseContext, s: Suggestion, body: SuggestionStepIn, at: datetime) -> str:
    s.result = _required(body.text, "text", "请填写成果转化情况（哪项政策或项目吸收了这条建议）")
    s.result_at = at
    return f"成果转化：{s.result}"


def _excellent(
    session: Session, ctx: CaseContext, s: Suggestion, body: SuggestionStepIn, at: datetime
) -> str:
    if s.excellent_year is not None:
        raise Conflict(f"该建议已评为 {s.excellent_year} 年度优秀建议")
    decided = s.decided_at or at
    s.excellent_year = body.year or decided.astimezone(ctx.tz).year
    return f"评为 {s.excellent_year} 年度优秀建议"


STEPS: dict[str, Step] = {
    "review": _review,
    "forward": _forward,
    "opinion": _opinion,
    "adopt": _decide("采纳"),
    "partly_adopt": _decide("部分采纳"),
    "keep": _decide("留存参考"),
    "decline": _decide("不予采纳"),
    "record_result": _result,
    "mark_excellent": _excellent,
}


def _check_party(actor: Actor, s: Suggestion, by_department: bool) -> None:
    if by_department:
        if actor.unit_id is None or s.department_unit_id != actor.unit_id:
            raise Forbidden("该建议未转请本单位研提意见")
    elif not readable(actor).covers(s.division_code):
        raise Forbidden("该建议不在本办公室的审阅范围内")


def act(
    session: Session, ctx: CaseContext, actor: Actor, code: str, action: str, body: SuggestionStepIn
) -> Suggestion:
    can_handle_suggestion.require(actor)
    rule = RULES.get(action)
    if rule is None:
        raise NotFound(f"未知的审阅环节：{action}")
    s = suggestions.get_readable(session, actor, code, for_update=True)
    if s.state not in rule.sources:
        raise Conflict(f"建议当前为“{STATE_LABELS[s.state]}”，不能{rule.label}")
    if not may_act(actor, rule.by_department):
        raise Forbidden(f"您无权{rule.label}")
    _check_party(actor, s, rule.by_department)
    if action == "record_result" and s.result:
        raise Conflict("成果转化已登记")
    at = ctx.now()
    before = s.state
    note = STEPS[action](session, ctx, s, body, at)
    if rule.target is not None:
        s.state = rule.target
    record_step(session, s, action, actor.username, at, from_state=before, note=note)
    audit.record(
        session,
        actor=actor.username,
        action=f"suggestions.{action}",
        target_type="suggestion",
        target_id=s.code,
        detail={"from": before.value, "to": s.state.value},
    )
    session.flush()
    return s
