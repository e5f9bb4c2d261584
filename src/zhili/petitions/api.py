"""JSON routes of 信访: registration (window, letter scans, online), the procedure's steps, 积案, 包案,
the 接访 calendar, figures by matter / place / category, and the petitioner's tracking."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile

from zhili.auth.policy import anyone
from zhili.auth.scope import citizen
from zhili.cases.states import SATISFACTION_LABELS, Satisfaction
from zhili.deps import DbSession
from zhili.kernel import fields
from zhili.kernel.ratelimit import limits_for, rate_limit
from zhili.petitions import figures as monthly_figures
from zhili.petitions import intake, leaders, notices, satisfaction, service, tracking, views
from zhili.petitions import repository as petitions
from zhili.petitions.deps import PetitionCtx
from zhili.petitions.models import PetitionMatter, ReceptionSlot
from zhili.petitions.policy import (
    FigureReader,
    LeaderOrganiser,
    LeaderRecorder,
    NoticeDownloader,
    PetitionHandler,
    PetitionReader,
    PetitionRegistrar,
    SatisfactionRecorder,
)
from zhili.petitions.schemas import (
    LeaderActionIn,
    LeaderIn,
    OnlinePetitionIn,
    PetitionBacklogOut,
    PetitionFigureOut,
    PetitionFiguresOut,
    PetitionIn,
    PetitionLeaderActionOut,
    PetitionMatterOut,
    PetitionMatterSummaryOut,
    PetitionRatedOut,
    PetitionReceptionOut,
    PetitionRegisteredOut,
    PetitionStepIn,
    PetitionTrackOut,
    PortalSatisfactionIn,
    ReceptionIn,
    ReceptionRecordIn,
    SatisfactionIn,
)
from zhili.petitions.states import LEADER_ACTION_LABELS, RECEPTION_LABELS, STATE_LABELS, MatterState
from zhili.settings import Settings
from zhili.storage.images import check_photos

router = APIRouter(prefix="/api/petitions", tags=["petitions"])

PORTAL = citizen("petition-portal")
SUBMITS_PER_MINUTE = 10
TRACK_PER_MINUTE = 30
SUBMIT_LIMIT = Depends(rate_limit("petition-submit", SUBMITS_PER_MINUTE))
TRACK_LIMIT = Depends(rate_limit("petition-track", TRACK_PER_MINUTE))


def registered_out(result: intake.Registered) -> PetitionRegisteredOut:
    return PetitionRegisteredOut(
        code=result.petition.code,
        matter_code=result.matter.code,
        repeat=result.repeat,
        matter_state=result.matter.state,
        matter_state_label=STATE_LABELS[result.matter.state],
        linked_cases=result.linked_cases,
        notice=result.notice,
    )


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.post("", response_model=PetitionRegisteredOut, status_code=201)
def register(
    body: PetitionIn, actor: PetitionRegistrar, session: DbSession, ctx: PetitionCtx
) -> PetitionRegisteredOut:
    """登记信访件（来访、来信、12345诉求转信访）。同一信访人同一事项自动并入原事项。"""
    return registered_out(intake.register(session, ctx, actor, body))


@router.post("/items/{petition_code}/scans", response_model=PetitionRegisteredOut, status_code=201)
def add_scans(
    petition_code: str,
    actor: PetitionRegistrar,
    session: DbSession,
    ctx: PetitionCtx,
    scans: Annotated[list[UploadFile] | None, File()] = None,
) -> PetitionRegisteredOut:
    """上传来信扫描件（图片，multipart）。"""
    checked = check_photos(scans or [], ctx.settings.max_upload_mb, field="scans")
    petition, matter = intake.add_scans(session, ctx, actor, petition_code, checked)
    return registered_out(
        intake.Registered(petition, matter, petition.repeat, [], f"已保存扫描件 {len(checked)} 份")
    )


@router.post("/online", response_model=PetitionRegisteredOut, status_code=201, dependencies=[SUBMIT_LIMIT])
def submit_online(
    body: OnlinePetitionIn, session: DbSession, ctx: PetitionCtx, _: Annotated[object, anyone.depends]
) -> PetitionRegisteredOut:
    """网上信访：信访人提交，凭信访件编号和电话后四位查询进度。填写 12345 诉求编号即为诉求转信访。"""
    return registered_out(intake.register_online(session, ctx, PORTAL, body))


@router.get("/track", response_model=PetitionTrackOut, dependencies=[TRACK_LIMIT])
def track(
    request: Request,
    session: DbSession,
    ctx: PetitionCtx,
    _: Annotated[object, anyone.depends],
    code: Annotated[str, Query(min_length=1, max_length=40)],
    phone_tail: Annotated[str, Query(max_length=16, description="登记电话号码的后四位")],
) -> PetitionTrackOut:
    """查询信访件办理进度：信访件编号 + 电话后四位。不返回任何个人信息。"""
    petition, matter = tracking.track(session, ctx, code, phone_tail, limits_for(request.app))
    return views.tracked(session, petition, matter, ctx.settings.timezone)


@router.get("/matters", response_model=list[PetitionMatterSummaryOut])
def list_matters(
    actor: PetitionReader, session: DbSession, state: MatterState | None = None
) -> list[PetitionMatterSummaryOut]:
    """我可查看的信访事项（信访办：辖区；承办机关：送达本单位的；领导：包案的）。"""
    return [views.summary(m) for m in petitions.list_matters(session, actor, state=state)]


@router.get("/backlog", response_model=list[PetitionBacklogOut])
def backlog(
    request: Request,
    actor: PetitionReader,
    session: DbSession,
    ctx: PetitionCtx,
    min_age_days: Annotated[
        int | None, Query(ge=1, le=3650, description="积案年限（日）；默认按配置")
    ] = None,
) -> list[PetitionBacklogOut]:
    """积案：登记后超过积案年限仍未终结的事项，最早的在前。"""
    days = min_age_days or settings_of(request).petition_backlog_days
    now = ctx.now()
    return [views.backlog_item(session, m, now) for m in petitions.backlog(session, actor, now, days)]


@router.get("/figures", response_model=list[PetitionFigureOut])
def figures(
    request: Request, actor: FigureReader, session: DbSession, ctx: PetitionCtx
) -> list[PetitionFigureOut]:
    """按区、类别统计（按事项计）：按期受理、按期答复、重复信访事项、积案。"""
    rows = petitions.figures(session, actor, ctx.now(), settings_of(request).petition_backlog_days)
    return [PetitionFigureOut.model_validate(row) for row in rows]


def rated_out(code: str, matter: PetitionMatter) -> PetitionRatedOut:
    value = Satisfaction(matter.satisfaction or Satisfaction.satisfied)  # set by the service
    return PetitionRatedOut(code=code, satisfaction=value, satisfaction_label=SATISFACTION_LABELS[value])


@router.post("/track/satisfaction", response_model=PetitionRatedOut, dependencies=[TRACK_LIMIT])
def rate_online(
    request: Request,
    body: PortalSatisfactionIn,
    session: DbSession,
    ctx: PetitionCtx,
    _: Annotated[object, anyone.depends],
) -> PetitionRatedOut:
    """信访人对答复意见的满意度评价（凭信访件编号和电话后四位，每个事项一次）。"""
    matter = satisfaction.record_by_petitioner(session, ctx, body, limits_for(request.app))
    return rated_out(body.code, matter)


@router.get("/figures/monthly", response_model=PetitionFiguresOut)
def figures_monthly(
    request: Request,
    actor: FigureReader,
    session: DbSession,
    ctx: PetitionCtx,
    year: Annotated[int | None, Query(ge=2000, le=2100, description="年份；默认今年")] = None,
) -> PetitionFiguresOut:
    """按月、区、信访办公室（按事项计）：按期受理率、按期办结率、重复信访率、积案化解数、群众满意率。"""
    chosen = year or ctx.now().astimezone(ctx.tz).year
    days = settings_of(request).petition_backlog_days
    return monthly_figures.report(session, actor, chosen, ctx.tz, days)


@router.post("/matters/{matter_code}/satisfaction", response_model=PetitionRatedOut, status_code=201)
def rate(
    matter_code: str, body: SatisfactionIn, actor: SatisfactionRecorder, session: DbSession, ctx: PetitionCtx
) -> PetitionRatedOut:
    """回访后登记信访人对答复意见的满意度（信访办，每个事项一次）。"""
    return rated_out(matter_code, satisfaction.record(session, ctx, actor, matter_code, body))


PDF = "application/pdf"
PDF_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"description": "PDF", "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}
}


def _pdf(name: str, body: bytes) -> Response:
    return Response(body, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/matters/{matter_code}/notices/reply.pdf", response_class=Response, responses=PDF_RESPONSES)
def reply_notice(matter_code: str, actor: NoticeDownloader, session: DbSession, ctx: PetitionCtx) -> Response:
    """答复意见书（PDF），由事项内容生成；载有信访人姓名，仅信访办可下载，记入审计。"""
    return _pdf(*notices.notice_pdf(session, ctx, actor, matter_code, "reply"))


@router.get("/matters/{matter_code}/notices/refusal.pdf", response_class=Response, responses=PDF_RESPONSES)
def refusal_notice(
    matter_code: str, actor: NoticeDownloader, session: DbSession, ctx: PetitionCtx
) -> Response:
    """不予受理告知书（PDF），载明不予受理的理由；仅信访办可下载，记入审计。"""
    return _pdf(*notices.notice_pdf(session, ctx, actor, matter_code, "refusal"))


@router.get("/matters/{matter_code}", response_model=PetitionMatterOut)
def read_matter(
    matter_code: str, actor: PetitionReader, session: DbSession, ctx: PetitionCtx
) -> PetitionMatterOut:
    """信访事项详情。信访人信息仅信访办完整可见，其他为脱敏；每次查看记入审计。"""
    matter = petitions.get_readable(session, actor, matter_code)
    return views.detail(session, actor, matter, ctx.cipher)


@router.put("/matters/{matter_code}/leader", response_model=PetitionMatterSummaryOut)
def assign_leader(
    matter_code: str, body: LeaderIn, actor: LeaderOrganiser, session: DbSession, ctx: PetitionCtx
) -> PetitionMatterSummaryOut:
    """领导包案：指定包案领导。"""
    return views.summary(leaders.assign_leader(session, ctx, actor, matter_code, body.username))


@router.post("/matters/{matter_code}/leader-actions", response_model=PetitionLeaderActionOut, status_code=201)
def add_leader_action(
    matter_code: str, body: LeaderActionIn, actor: LeaderRecorder, session: DbSession, ctx: PetitionCtx
) -> PetitionLeaderActionOut:
    """记录包案领导的接访、协调会、督办、下访。"""
    action = leaders.add_leader_action(session, ctx, actor, matter_code, body)
    return PetitionLeaderActionOut(
        id=action.id,
        kind=action.kind,
        kind_label=LEADER_ACTION_LABELS[action.kind],
        leader=petitions.user_name(session, action.leader_user_id) or "",
        at=action.at,
        place=action.place,
        note=action.note,
    )


def reception_out(slot: ReceptionSlot, leader: str) -> PetitionReceptionOut:
    return PetitionReceptionOut(
        id=slot.id,
        kind=slot.kind,
        kind_label=RECEPTION_LABELS[slot.kind],
        leader=leader,
        division_code=slot.division_code,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        place=slot.place,
        visitors=slot.visitors,
        summary=slot.summary,
    )


@router.get("/receptions", response_model=list[PetitionReceptionOut])
def list_receptions(
    actor: PetitionReader,
    session: DbSession,
    since: fields.Moment | None = None,
    until: fields.Moment | None = None,
) -> list[PetitionReceptionOut]:
    """领导接访日与下访安排（信访办：辖区；领导：本人的）。"""
    return [reception_out(slot, name) for slot, name in petitions.receptions(session, actor, since, until)]


@router.post("/receptions", response_model=PetitionReceptionOut, status_code=201)
def plan_reception(
    body: ReceptionIn, actor: LeaderOrganiser, session: DbSession, ctx: PetitionCtx
) -> PetitionReceptionOut:
    """安排领导接访日或下访。"""
    slot = leaders.plan_reception(session, ctx, actor, body)
    return reception_out(slot, petitions.user_name(session, slot.leader_user_id) or "")


@router.post("/receptions/{reception_id}/record", response_model=PetitionReceptionOut)
def record_reception(
    reception_id: fields.Id,
    body: ReceptionRecordIn,
    actor: LeaderRecorder,
    session: DbSession,
    ctx: PetitionCtx,
) -> PetitionReceptionOut:
    """记录接访、下访情况（接待人数、情况摘要）。"""
    slot = leaders.record_reception(session, ctx, actor, reception_id, body)
    return reception_out(slot, petitions.user_name(session, slot.leader_user_id) or "")


# Last: the generic step route must not shadow the fixed paths above.
@router.post("/matters/{matter_code}/{action}", response_model=PetitionMatterOut)
def act(
    matter_code: str,
    action: str,
    body: PetitionStepIn,
    actor: PetitionHandler,
    session: DbSession,
    ctx: PetitionCtx,
) -> PetitionMatterOut:
    """办理环节：accept 受理、refer 转送/交办、refuse 不予受理、take 承办机关受理、extend 延期、reply 答复、
    request_review 申请复查、review 复查意见、request_recheck 申请复核、recheck 复核意见、conclude 终结。"""
    matter = service.act(session, ctx, actor, matter_code, action, body)
    return views.detail(session, actor, matter, ctx.cipher)
