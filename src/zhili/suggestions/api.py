"""JSON routes of 人民建议征集: submission and tracking (public), open calls and the 优秀建议 list
(public), the reviewers' queue and steps, campaigns, and the 采纳率 figures."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from zhili.auth.policy import anyone
from zhili.auth.scope import citizen
from zhili.deps import DbSession
from zhili.kernel.ratelimit import limits_for, rate_limit
from zhili.suggestions import intake, service, tracking, views
from zhili.suggestions import repository as suggestions
from zhili.suggestions.deps import SuggestionCtx
from zhili.suggestions.policy import (
    CampaignOpener,
    SuggestionFigureReader,
    SuggestionHandler,
    SuggestionReader,
)
from zhili.suggestions.schemas import (
    AdoptionFigureOut,
    CampaignIn,
    CampaignOut,
    ExcellentOut,
    SuggestionIn,
    SuggestionOut,
    SuggestionStepIn,
    SuggestionSubmittedOut,
    SuggestionSummaryOut,
    SuggestionTrackOut,
)
from zhili.suggestions.states import STATE_LABELS, SuggestionSource, SuggestionState

router = APIRouter(prefix="/api/suggestions", tags=["suggestions"])

PORTAL = citizen("suggestion-portal")
SUBMIT_LIMIT = Depends(rate_limit("suggestion-submit", 10))
TRACK_LIMIT = Depends(rate_limit("suggestion-track", 30))
Public = Annotated[object, anyone.depends]


def submitted_out(result: intake.Submitted) -> SuggestionSubmittedOut:
    s = result.suggestion
    return SuggestionSubmittedOut(code=s.code, state_label=STATE_LABELS[s.state], notice=result.notice)


@router.post("/submit", response_model=SuggestionSubmittedOut, status_code=201, dependencies=[SUBMIT_LIMIT])
def submit(body: SuggestionIn, session: DbSession, ctx: SuggestionCtx, _: Public) -> SuggestionSubmittedOut:
    """提交人民建议（可响应正在征集的活动）。凭建议编号和电话后四位查询审阅结果。"""
    return submitted_out(intake.submit(session, ctx, PORTAL, body))


@router.get("/track", response_model=SuggestionTrackOut, dependencies=[TRACK_LIMIT])
def track(
    request: Request,
    session: DbSession,
    ctx: SuggestionCtx,
    _: Public,
    code: Annotated[str, Query(min_length=1, max_length=40)],
    phone_tail: Annotated[str, Query(max_length=16, description="登记电话号码的后四位")],
) -> SuggestionTrackOut:
    """查询建议审阅结果：建议编号 + 电话后四位。不返回任何个人信息。"""
    found = tracking.track(session, ctx, code, phone_tail, limits_for(request.app))
    return views.tracked(session, found)


@router.get("/calls", response_model=list[CampaignOut])
def open_calls(session: DbSession, ctx: SuggestionCtx, _: Public) -> list[CampaignOut]:
    """正在征集的活动（公开）。"""
    today = ctx.now().astimezone(ctx.tz).date()
    return [views.campaign_out(c, d, n, today) for c, d, n in suggestions.open_campaigns(session, today)]


@router.get("/excellent", response_model=list[ExcellentOut])
def excellent(
    session: DbSession, _: Public, year: Annotated[int, Query(ge=2000, le=2999)]
) -> list[ExcellentOut]:
    """年度优秀建议（公开）：仅列建议人同意公开的，不含姓名、电话等个人信息。"""
    return [views.excellent_out(session, s) for s in suggestions.excellent(session, year)]


@router.get("/items", response_model=list[SuggestionSummaryOut])
def list_items(
    actor: SuggestionReader,
    session: DbSession,
    state: SuggestionState | None = None,
    source: SuggestionSource | None = None,
    campaign: Annotated[str | None, Query(max_length=24)] = None,
) -> list[SuggestionSummaryOut]:
    """我可查看的建议（审阅人：辖区；部门：本部门征集的和转来研提意见的）。"""
    rows = suggestions.list_suggestions(session, actor, state=state, source=source, campaign=campaign)
    return [views.summary(session, s) for s in rows]


@router.get("/figures", response_model=list[AdoptionFigureOut])
def figures(actor: SuggestionFigureReader, session: DbSession) -> list[AdoptionFigureOut]:
    """采纳率：按月份、部门、征集活动统计（采纳 + 部分采纳）/ 已审结。"""
    return [AdoptionFigureOut.model_validate(row) for row in suggestions.figures(session, actor)]


@router.get("/campaigns", response_model=list[CampaignOut])
def list_campaigns(actor: SuggestionReader, session: DbSession, ctx: SuggestionCtx) -> list[CampaignOut]:
    """本部门发起的征集活动（审阅人：辖区内的）。"""
    today = ctx.now().astimezone(ctx.tz).date()
    return [views.campaign_out(c, d, n, today) for c, d, n in suggestions.campaigns_for(session, actor)]


@router.post("/campaigns", response_model=CampaignOut, status_code=201)
def open_campaign(
    body: CampaignIn, actor: CampaignOpener, session: DbSession, ctx: SuggestionCtx
) -> CampaignOut:
    """发起建议征集：主题、涉及区划、截止日期。"""
    campaign = intake.open_campaign(session, ctx, actor, body)
    department = suggestions.unit_name(session, campaign.unit_id) or ""
    return views.campaign_out(campaign, department, 0, ctx.now().astimezone(ctx.tz).date())


@router.get("/items/{suggestion_code}", response_model=SuggestionOut)
def read_item(
    suggestion_code: str, actor: SuggestionReader, session: DbSession, ctx: SuggestionCtx
) -> SuggestionOut:
    """建议详情。建议人信息仅审阅人完整可见，其他为脱敏；每次查看记入审计。"""
    found = suggestions.get_readable(session, actor, suggestion_code)
    return views.detail(session, actor, found, ctx.cipher)


@router.post("/items/{suggestion_code}/{action}", response_model=SuggestionOut)
def act(
    suggestion_code: str,
    action: str,
    body: SuggestionStepIn,
    actor: SuggestionHandler,
    session: DbSession,
    ctx: SuggestionCtx,
) -> SuggestionOut:
    """审阅环节：review 开始审阅、forward 转部门研提意见、opinion 部门意见、adopt 采纳、
    partly_adopt 部分采纳、keep 留存参考、decline 不予采纳（均须理由）、record_result 成果转化、
    mark_excellent 评为优秀建议。"""
    found = service.act(session, ctx, actor, suggestion_code, action, body)
    return views.detail(session, actor, found, ctx.cipher)
