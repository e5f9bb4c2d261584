"""12345 建议 demands flow here: on intake (``cases.flows`` calls its intake hooks), a demand of type
建议 becomes a suggestion linked to the case, and the case is closed with a note telling the citizen
where it went and how to track it, unless the centre chose to handle it as a case
(``handle_as_case``, honoured for the operator and the dispatcher only)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.closing import close_case
from zhili.cases.models import Case
from zhili.cases.schemas import CaseIn
from zhili.cases.states import CaseState, ClosureKind
from zhili.suggestions.intake import create
from zhili.suggestions.policy import may_keep_as_case
from zhili.suggestions.states import SuggestionSource
from zhili.taxonomy.enums import DemandType

CITY = "11"  # a demand not yet placed is the city office's to review


def on_intake(session: Session, ctx: CaseContext, actor: Actor, case: Case, body: CaseIn) -> None:
    if case.demand_type != DemandType.suggestion or case.state != CaseState.received:
        return
    if body.handle_as_case and may_keep_as_case(actor):
        return
    suggestion = create(
        session,
        ctx,
        actor,
        source=SuggestionSource.hotline,
        title=case.title,
        content=case.description,
        division_code=case.division_code or CITY,
        name=ctx.cipher.decrypt(case.citizen_name_enc),
        phone=ctx.cipher.decrypt(case.citizen_phone_enc),
        case_id=case.id,
    )
    note = (
        f"您的建议已转人民建议征集办公室审阅（建议编号 {suggestion.code}），"
        "可凭建议编号和电话后四位在“人民建议征集”页面查询审阅结果。"
    )
    case.reply = note
    case.reported_at = ctx.now()
    close_case(session, ctx, actor, case, ClosureKind.direct, note, action="transfer_suggestion")
