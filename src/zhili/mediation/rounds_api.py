"""JSON routes of 矛盾纠纷排查 (rounds and their findings) and 聚集预警 (cluster warnings), and the
people's committees' coverage of streets and communities."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from zhili.deps import DbSession
from zhili.kernel import fields
from zhili.mediation import clusters, coverage, rounds
from zhili.mediation import repository as disputes
from zhili.mediation.deps import MediationCtx
from zhili.mediation.policy import DisputeReader, MediationFigureReader, RoundRecorder
from zhili.mediation.schemas import (
    ClusterWarningOut,
    CoverageOut,
    DisputeRegisteredOut,
    FindingDisputeIn,
    RoundIn,
    RoundOut,
)
from zhili.mediation.states import STATE_LABELS
from zhili.mediation.views import round_out

router = APIRouter(prefix="/api/mediation", tags=["mediation"])


@router.post("/rounds", response_model=RoundOut, status_code=201)
def add_round(body: RoundIn, actor: RoundRecorder, session: DbSession, ctx: MediationCtx) -> RoundOut:
    """登记一次社区矛盾纠纷排查：排查人员、日期、发现的矛盾纠纷。"""
    return round_out(session, rounds.record(session, ctx, actor, body))


@router.get("/rounds", response_model=list[RoundOut])
def list_rounds(actor: DisputeReader, session: DbSession) -> list[RoundOut]:
    """我可查看的排查记录（按社区限定范围）。"""
    return [round_out(session, r) for r in disputes.list_rounds(session, actor)]


@router.get("/rounds/{round_id}", response_model=RoundOut)
def read_round(round_id: fields.Id, actor: DisputeReader, session: DbSession) -> RoundOut:
    """排查记录详情。"""
    return round_out(session, disputes.get_round(session, actor, round_id))


@router.post(
    "/rounds/{round_id}/findings/{position}/dispute", response_model=DisputeRegisteredOut, status_code=201
)
def register_finding(
    round_id: fields.Id,
    position: fields.Id,
    body: FindingDisputeIn,
    actor: RoundRecorder,
    session: DbSession,
    ctx: MediationCtx,
) -> DisputeRegisteredOut:
    """把排查发现的一项登记为矛盾纠纷（类型、地点、情况取自排查记录）。"""
    d = rounds.register_finding(session, ctx, actor, round_id, position, body)
    return DisputeRegisteredOut(
        code=d.code, state=d.state, state_label=STATE_LABELS[d.state], linked_cases=[]
    )


@router.get("/warnings", response_model=list[ClusterWarningOut])
def warnings(
    actor: DisputeReader, session: DbSession, ctx: MediationCtx, as_of: date | None = None
) -> list[ClusterWarningOut]:
    """矛盾纠纷聚集预警：社区内纠纷与相关 12345 诉求在近 5 日异常聚集（与未诉先办同一检测方法）。"""
    day = as_of or ctx.now().astimezone(ctx.tz).date()
    return clusters.cluster_warnings(session, actor, ctx.tz, day)


@router.get("/coverage", response_model=list[CoverageOut])
def committee_coverage(actor: MediationFigureReader, session: DbSession) -> list[CoverageOut]:
    """人民调解委员会对街道（乡镇）、社区（村）的覆盖率（规划未设定量目标，列为调解统计）。"""
    return coverage.coverage(session, actor)
