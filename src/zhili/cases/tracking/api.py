"""Public JSON routes for citizens: track a case, and answer the 回访 from the SMS link.

Every route is rate-limited per client address. Wrong phone tails are also counted per tracking
code, so the four digits cannot be guessed from many addresses: after too many, the code is locked
for everyone for a while, whatever the tail (otherwise a 429 versus a 200 would reveal the answer).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from sqlalchemy.orm import Session

from zhili.auth.policy import anyone
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.tracking import service as tracking
from zhili.cases.tracking.service import TrackOut, VisitIn, VisitOut
from zhili.deps import DbSession
from zhili.errors import LinkRetired
from zhili.kernel.ratelimit import Limit, limits_for, peer_address, rate_limit

router = APIRouter(prefix="/api/track", tags=["citizen"], dependencies=[anyone.depends])

TRACK_PER_MINUTE = 30
WRONG_TAILS = Limit("track:wrong-tail", 10, 3600)
# Per client address, shared by the JSON routes and the portal pages: the same limit whichever is used.
TRACK_LIMIT = Depends(rate_limit("track", TRACK_PER_MINUTE))
VISIT_LIMIT = Depends(rate_limit("track-visit", TRACK_PER_MINUTE))


async def public_context(request: Request) -> CaseContext:
    """Settings and cipher only: citizens' routes never resolve locations."""
    return CaseContext.for_settings(request.app.state.settings)


PublicCtx = Annotated[CaseContext, Depends(public_context)]


@router.get("/{code}", response_model=TrackOut, dependencies=[TRACK_LIMIT])
def track_case(
    code: str,
    request: Request,
    session: DbSession,
    ctx: PublicCtx,
    phone_tail: Annotated[str | None, Query(max_length=16, description="登记电话号码的后四位")] = None,
) -> TrackOut:
    """查询诉求办理进度：受理编号 + 登记电话后四位。不返回任何个人信息。"""
    return tracking.public_view(session, find_tracked(request, session, ctx, code, phone_tail))


def find_tracked(
    request: Request, session: Session, ctx: CaseContext, code: str, phone_tail: str | None
) -> Case:
    """``tracking.track`` with this server's counter of wrong tails (shared by the API and the portal)."""
    return tracking.track(session, ctx, code, phone_tail, limits_for(request.app), WRONG_TAILS)


@router.get(
    "/{code}/visit/{token}",
    response_model=TrackOut,
    dependencies=[VISIT_LIMIT],
)
def visit_page_data(
    code: str,
    session: DbSession,
    ctx: PublicCtx,
    token: Annotated[str, Path(min_length=1, max_length=64, description="短信链接中的 token")],
) -> TrackOut:
    """回访评价页的数据：凭短信链接查看办理答复，以及是否可以评价。token 只在路径或请求体中传递。"""
    return tracking.public_view(session, tracking.find_for_visit_link(session, ctx, code, token))


@router.get("/{code}/visit", response_model=TrackOut, dependencies=[VISIT_LIMIT])
def old_visit_link(code: str) -> TrackOut:
    """已停用：token 不再放在查询字符串中（会进入访问日志）。请使用 /api/track/{code}/visit/{token}。"""
    raise LinkRetired(tracking.OLD_LINK_MESSAGE)


@router.post(
    "/{code}/visit",
    response_model=VisitOut,
    dependencies=[VISIT_LIMIT],
)
def submit_visit(code: str, body: VisitIn, request: Request, session: DbSession, ctx: PublicCtx) -> VisitOut:
    """市民自助回访：是否解决、满意度与意见。不满意或未解决时按配置自动重办。"""
    return tracking.self_visit(session, ctx, code, body, client_ip=peer_address(request))
