"""JSON routes of triage: routing rules (admins edit), the stored recommendation of a case, the
dispatcher's manual queue with accept / override, duplicates, knowledge suggestions and reply checks."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from zhili.auth.policy import Staff
from zhili.cases import views
from zhili.cases.deps import CaseCtx
from zhili.cases.policy import CaseReader, Dispatcher
from zhili.cases.repository import get_readable
from zhili.cases.schemas import CaseOut
from zhili.deps import DbSession
from zhili.errors import Conflict
from zhili.triage import autodispatch, queue, report, rules
from zhili.triage.policy import AutoDispatchAdmin, ReportReader, RulesEditor, RulesReader
from zhili.triage.reply_quality import score_reply
from zhili.triage.schemas import (
    AcceptIn,
    AutoDispatchIn,
    AutoDispatchOut,
    DuplicateOut,
    KnowledgeSuggestionOut,
    OverrideIn,
    OverrideReportOut,
    QueuePage,
    RecommendationOut,
    ReplyCheckIn,
    ReplyScoreOut,
    RuleIn,
    RuleOut,
)

router = APIRouter(tags=["triage"])


@router.get("/api/triage/rules", response_model=list[RuleOut])
def list_rules(_actor: RulesReader, session: DbSession) -> list[RuleOut]:
    return [rules.to_out(r) for r in rules.list_rules(session)]


@router.post("/api/triage/rules", response_model=RuleOut, status_code=201)
def create_rule(body: RuleIn, actor: RulesEditor, session: DbSession) -> RuleOut:
    return rules.to_out(rules.create_rule(session, actor, body))


@router.put("/api/triage/rules/{rule_id}", response_model=RuleOut)
def update_rule(rule_id: int, body: RuleIn, actor: RulesEditor, session: DbSession) -> RuleOut:
    return rules.to_out(rules.update_rule(session, actor, rule_id, body))


@router.delete("/api/triage/rules/{rule_id}", status_code=204)
def delete_rule(rule_id: int, actor: RulesEditor, session: DbSession) -> Response:
    rules.delete_rule(session, actor, rule_id)
    return Response(status_code=204)


@router.get("/api/triage/overrides/report", response_model=OverrideReportOut)
def override_report(
    actor: ReportReader,
    session: DbSession,
    ctx: CaseCtx,
    since: Annotated[date | None, Query(description="起始日期（含）")] = None,
    until: Annotated[date | None, Query(description="结束日期（含）")] = None,
) -> OverrideReportOut:
    """改派率: how often dispatchers changed the suggestion, by suggested category and by unit."""
    return report.override_report(session, actor, ctx.tz, since, until)


@router.get("/api/triage/auto-dispatch", response_model=AutoDispatchOut)
def auto_dispatch_setting(actor: ReportReader, session: DbSession) -> AutoDispatchOut:
    """The auto-dispatch setting with the measured precision of past suggestions at its threshold."""
    return autodispatch.describe(session, actor)


@router.put("/api/triage/auto-dispatch", response_model=AutoDispatchOut)
def set_auto_dispatch(body: AutoDispatchIn, actor: AutoDispatchAdmin, session: DbSession) -> AutoDispatchOut:
    return autodispatch.update(session, actor, body)


@router.get("/api/triage/queue", response_model=QueuePage)
def manual_queue(
    actor: Dispatcher,
    session: DbSession,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> QueuePage:
    """Cases whose suggestion is not confident enough to dispatch without a person (人工派单队列)."""
    return queue.queue(session, actor, limit=page_size, offset=(page - 1) * page_size)


@router.post("/api/triage/reply-quality", response_model=ReplyScoreOut)
def check_reply(body: ReplyCheckIn, _actor: Staff) -> ReplyScoreOut:
    return ReplyScoreOut(**vars(score_reply(body.demand, body.reply)))


@router.get("/api/cases/{code}/recommendation", response_model=RecommendationOut)
def get_recommendation(code: str, actor: CaseReader, session: DbSession) -> RecommendationOut:
    return queue.to_out(*queue.recommendation_of(session, actor, code))


@router.post("/api/cases/{code}/recommendation/accept", response_model=CaseOut)
def accept_recommendation(
    code: str, body: AcceptIn, actor: Dispatcher, session: DbSession, ctx: CaseCtx
) -> CaseOut:
    """采纳: dispatch with the suggested lead unit and co-units."""
    case = queue.accept(session, ctx, actor, code, body)
    return views.detail(session, ctx, actor, case)


@router.post("/api/cases/{code}/recommendation/override", response_model=CaseOut)
def override_recommendation(
    code: str, body: OverrideIn, actor: Dispatcher, session: DbSession, ctx: CaseCtx
) -> CaseOut:
    """改派: dispatch with the dispatcher's choice; the correction is kept for training."""
    case = queue.override(session, ctx, actor, code, body)
    return views.detail(session, ctx, actor, case)


@router.get("/api/cases/{code}/duplicates", response_model=list[DuplicateOut])
def list_duplicates(code: str, actor: CaseReader, session: DbSession) -> list[dict[str, object]]:
    """Earlier open cases nearby with similar text, found at intake, with a merge / link proposal."""
    _case, rec = queue.recommendation_of(session, actor, code)
    found: list[dict[str, object]] = json.loads(rec.duplicates)
    return found


@router.get("/api/cases/{code}/knowledge", response_model=list[KnowledgeSuggestionOut])
def knowledge_suggestions(
    code: str,
    actor: CaseReader,
    session: DbSession,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[KnowledgeSuggestionOut]:
    """The best 知识库 entries for the case's text, to support 直接办结 of a consultation."""
    from zhili.triage.service import case_text, knowledge_hits

    case = get_readable(session, actor, code)
    return [KnowledgeSuggestionOut(**hit) for hit in knowledge_hits(session, case_text(case), limit)]


@router.get("/api/cases/{code}/reply-quality", response_model=ReplyScoreOut)
def case_reply_quality(code: str, actor: CaseReader, session: DbSession) -> ReplyScoreOut:
    """Scores the lead unit's 反馈 of this case against its demand (before the 回访)."""
    case = get_readable(session, actor, code)
    if not case.reply:
        raise Conflict("该诉求尚无承办单位的反馈答复", field="reply")
    return ReplyScoreOut(**vars(score_reply(f"{case.title} {case.description}", case.reply)))
