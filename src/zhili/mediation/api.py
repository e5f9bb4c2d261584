"""JSON routes of 矛盾纠纷多元化解: registration, the steps, the registry and 分流 rules, the
agreement PDF and the figures (调解成功率, 协议履行率, 司法确认数) by street or district."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response

from zhili.deps import DbSession
from zhili.errors import Conflict
from zhili.kernel import documents, fields
from zhili.mediation import agreement, intake, registry, service, views
from zhili.mediation import repository as disputes
from zhili.mediation.deps import MediationCtx
from zhili.mediation.policy import (
    DisputeMediator,
    DisputeReader,
    DisputeRegistrar,
    MediationFigureReader,
    RegistryKeeper,
)
from zhili.mediation.privacy import parties_for
from zhili.mediation.schemas import (
    CommitteeIn,
    CommitteeOut,
    CommitteeUpdateIn,
    DisputeIn,
    DisputeOut,
    DisputeRegisteredOut,
    DisputeStepIn,
    DisputeSummaryOut,
    MediationFigureOut,
    MediatorIn,
    MediatorOut,
    MediatorUpdateIn,
    RoutingRuleIn,
    RoutingRuleOut,
)
from zhili.mediation.states import STATE_LABELS, TRACK_LABELS, DisputeState

router = APIRouter(prefix="/api/mediation", tags=["mediation"])
PDF = "application/pdf"


@router.post("/disputes", response_model=DisputeRegisteredOut, status_code=201)
def register(
    body: DisputeIn, actor: DisputeRegistrar, session: DbSession, ctx: MediationCtx
) -> DisputeRegisteredOut:
    """登记矛盾纠纷：调委会受理、部门移送、法院诉前委派、网格巡查事件或 12345 诉求转入。"""
    result = intake.register(session, ctx, actor, body)
    d = result.dispute
    return DisputeRegisteredOut(
        code=d.code, state=d.state, state_label=STATE_LABELS[d.state], linked_cases=result.linked_cases
    )


@router.get("/disputes", response_model=list[DisputeSummaryOut])
def list_disputes(
    actor: DisputeReader, session: DbSession, state: DisputeState | None = None
) -> list[DisputeSummaryOut]:
    """我可查看的纠纷（街道：本街道；区：所辖街道）。"""
    return [views.summary(session, d) for d in disputes.list_disputes(session, actor, state=state)]


@router.get("/figures", response_model=list[MediationFigureOut])
def figures(
    actor: MediationFigureReader, session: DbSession, level: Literal["street", "district"] = "street"
) -> list[MediationFigureOut]:
    """调解成功率、协议履行率、司法确认数，按街道或区统计。"""
    return [MediationFigureOut.model_validate(row) for row in disputes.figures(session, actor, level)]


@router.get("/committees", response_model=list[CommitteeOut])
def list_committees(actor: DisputeReader, session: DbSession) -> list[CommitteeOut]:
    """调解组织名册。"""
    return [_committee_out(c) for c in disputes.committees(session)]


def _committee_out(c: object) -> CommitteeOut:
    from zhili.mediation.models import MediationCommittee

    assert isinstance(c, MediationCommittee)
    return CommitteeOut(
        id=c.id,
        name=c.name,
        track=c.track,
        track_label=TRACK_LABELS[c.track],
        division_code=c.division_code,
        active=c.active,
    )


@router.post("/committees", response_model=CommitteeOut, status_code=201)
def add_committee(body: CommitteeIn, actor: RegistryKeeper, session: DbSession) -> CommitteeOut:
    """登记调解组织（人民调解委员会、行政调解组织、诉调对接中心）。"""
    return _committee_out(registry.add_committee(session, actor, body))


@router.put("/committees/{committee_id}", response_model=CommitteeOut)
def update_committee(
    committee_id: fields.Id, body: CommitteeUpdateIn, actor: RegistryKeeper, session: DbSession
) -> CommitteeOut:
    """修改或停用调解组织。"""
    return _committee_out(registry.update_committee(session, actor, committee_id, body))


@router.get("/mediators", response_model=list[MediatorOut])
def list_mediators(
    actor: DisputeReader, session: DbSession, committee_id: fields.Id | None = None
) -> list[MediatorOut]:
    """调解员名册及在办纠纷数。"""
    rows = disputes.mediators_with_load(session, committee_id=committee_id)
    return [views.mediator_out(m, name, load) for m, name, load in rows]


@router.post("/mediators", response_model=MediatorOut, status_code=201)
def add_mediator(body: MediatorIn, actor: RegistryKeeper, session: DbSession) -> MediatorOut:
    """登记调解员（擅长的纠纷类型、负责地区）。"""
    m = registry.add_mediator(session, actor, body)
    return views.mediator_out(m, disputes.committee_name(session, m.committee_id) or "", 0)


@router.put("/mediators/{mediator_id}", response_model=MediatorOut)
def update_mediator(
    mediator_id: fields.Id, body: MediatorUpdateIn, actor: RegistryKeeper, session: DbSession
) -> MediatorOut:
    """修改或停用调解员。"""
    m = registry.update_mediator(session, actor, mediator_id, body)
    name = disputes.committee_name(session, m.committee_id) or ""
    return views.mediator_out(m, name, disputes.mediator_load(session, m.id))


@router.get("/routing-rules", response_model=list[RoutingRuleOut])
def list_rules(actor: DisputeReader, session: DbSession) -> list[RoutingRuleOut]:
    """分流规则，按优先级排列。"""
    return [views.rule_out(r) for r in disputes.routing_rules(session)]


@router.post("/routing-rules", response_model=RoutingRuleOut, status_code=201)
def add_rule(body: RoutingRuleIn, actor: RegistryKeeper, session: DbSession) -> RoutingRuleOut:
    """新增分流规则。"""
    return views.rule_out(registry.add_rule(session, actor, body))


@router.put("/routing-rules/{rule_id}", response_model=RoutingRuleOut)
def update_rule(
    rule_id: fields.Id, body: RoutingRuleIn, actor: RegistryKeeper, session: DbSession
) -> RoutingRuleOut:
    """修改分流规则。"""
    return views.rule_out(registry.update_rule(session, actor, rule_id, body))


@router.get("/disputes/{dispute_code}", response_model=DisputeOut)
def read_dispute(
    dispute_code: str, actor: DisputeReader, session: DbSession, ctx: MediationCtx
) -> DisputeOut:
    """纠纷详情。当事人信息仅调解工作人员完整可见，其他为脱敏；每次查看记入审计。"""
    return views.detail(session, actor, disputes.get_readable(session, actor, dispute_code), ctx.cipher)


@router.get("/disputes/{dispute_code}/suggested-mediators", response_model=list[MediatorOut])
def suggested(dispute_code: str, actor: DisputeReader, session: DbSession) -> list[MediatorOut]:
    """推荐调解员：承办组织中擅长此类纠纷、负责此地区的调解员，在办纠纷最少的在前。"""
    d = disputes.get_readable(session, actor, dispute_code)
    return [views.mediator_out(m, name, load) for m, name, load in disputes.suggested_mediators(session, d)]


@router.get(
    "/disputes/{dispute_code}/agreement.pdf",
    response_class=Response,
    responses={
        200: {
            "description": "人民调解协议书（PDF）",
            "content": {PDF: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
)
def agreement_pdf(dispute_code: str, actor: DisputeReader, session: DbSession, ctx: MediationCtx) -> Response:
    """调解协议书（PDF），由协议内容生成。"""
    d = disputes.get_readable(session, actor, dispute_code)
    if d.outcome != "success":
        raise Conflict("该纠纷未达成调解协议")
    parties = parties_for(
        session, actor, disputes.parties_of(session, d.id), d.code, ctx.cipher, purpose="agreement"
    )
    lines = agreement.agreement_lines(
        d,
        parties,
        disputes.committee_name(session, d.committee_id) or "",
        disputes.mediator_name(session, d.mediator_id),
        ctx.tz,
    )
    body = documents.render("人民调解协议书", lines)
    return Response(body, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{d.code}.pdf"'})


# Last: the generic step route must not shadow the fixed paths above.
@router.post("/disputes/{dispute_code}/{action}", response_model=DisputeOut)
def act(
    dispute_code: str,
    action: str,
    body: DisputeStepIn,
    actor: DisputeMediator,
    session: DbSession,
    ctx: MediationCtx,
) -> DisputeOut:
    """调解环节：route 分流、assign 指派调解员、session 记录调解、succeed 调解成功、fail 调解不成、
    apply_confirmation 申请司法确认、confirmation_result 司法确认结果、follow_up 回访履行情况。"""
    d = service.act(session, ctx, actor, dispute_code, action, body)
    return views.detail(session, actor, d, ctx.cipher)
