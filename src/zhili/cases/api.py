"""JSON routes for cases: intake, reading (always scoped), and one route per lifecycle action."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from zhili.after_response import after_response
from zhili.auth.policy import Anyone
from zhili.cases import flows, repository, views
from zhili.cases.deps import CaseCtx
from zhili.cases.intake.service import Intake
from zhili.cases.lifecycle.transitions import RULES
from zhili.cases.listing.cursor import MAX_CURSOR
from zhili.cases.listing.filters import CaseFilter
from zhili.cases.listing.pages import COUNT_CAP, list_page
from zhili.cases.policy import CaseReader, IntakeActor
from zhili.cases.schemas import ActionIn, ActionRuleOut, CaseCreated, CaseIn, CaseOut, CasePage, LocationOut
from zhili.cases.states import CaseState
from zhili.deps import DbSession, SettingsDep, commit_here
from zhili.errors import ValidationFailed
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.enums import Channel, DemandType, Urgency
from zhili.units.repository import get_by_code

router = APIRouter(prefix="/api/cases", tags=["cases"])


def _location_json(result: Intake) -> LocationOut:
    loc = result.location
    case = result.case
    return LocationOut(
        district=case.district_code,
        street=case.street_code,
        community=case.community_code,
        h3_cell=case.h3_cell,
        confidence=case.location_confidence,
        ambiguous=[c.code for c in loc.candidates] if loc and len(loc.candidates) > 1 else [],
    )


@router.post("", response_model=CaseCreated, status_code=201)
def create_case(
    body: CaseIn,
    request: Request,
    response: Response,
    actor: IntakeActor,
    session: DbSession,
    ctx: CaseCtx,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
) -> CaseCreated:
    result = flows.take_demand(session, ctx, actor, body, idempotency_key, defer_triage=True)
    commit_here(session)
    if result.triage_deferred:  # the 201 waits only for the commit; triage follows it
        db, settings = request.app.state.db, ctx.settings
        after_response(request, lambda: flows.triage_deferred(db, settings))
    if not result.created:
        response.status_code = 200
    return CaseCreated(
        code=result.case.code,
        state=result.case.state,
        created=result.created,
        location=_location_json(result),
        located=result.case.division_code is not None,
        warning=result.warning,
    )


@router.get("", response_model=CasePage)
def list_cases(
    actor: CaseReader,
    session: DbSession,
    settings: SettingsDep,
    state: Annotated[list[CaseState] | None, Query()] = None,
    demand_type: DemandType | None = None,
    urgency: Urgency | None = None,
    channel: Channel | None = None,
    category: Annotated[str | None, Query(max_length=16, description="分类编码（含下级）")] = None,
    division: Annotated[str | None, Query(max_length=12, description="行政区划编码前缀")] = None,
    lead_unit: Annotated[str | None, Query(max_length=32)] = None,
    overdue: bool | None = None,
    warning: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    received_from: datetime | None = None,
    received_to: datetime | None = None,
    sort: Annotated[str, Query(pattern=r"^-?(received_at|feedback_due|updated_at|code)$")] = "-received_at",
    cursor: Annotated[
        str | None, Query(max_length=MAX_CURSOR, description="上一页答复中的 next_cursor（推荐的翻页方式）")
    ] = None,
    page: Annotated[
        int,
        Query(ge=1, le=COUNT_CAP, description="兼容旧客户端的页码，只到前 10,000 件；之后用 cursor"),
    ] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CasePage:
    offset = (page - 1) * page_size
    if cursor and page > 1:
        raise ValidationFailed("cursor 与 page 只能用其一", field="page")
    if offset + page_size > COUNT_CAP:
        raise ValidationFailed(f"页码只能翻到前 {COUNT_CAP:,} 件，请使用 next_cursor 继续翻页", field="page")
    category_ids = None
    if category:
        category_ids = taxonomy.subtree_ids(session, category)
        if category_ids is None:
            raise ValidationFailed(f"未知的诉求分类：{category}", field="category")
    filters = CaseFilter(
        state=state,
        demand_type=demand_type,
        urgency=urgency,
        channel=channel,
        category_ids=category_ids,
        division=division,
        lead_unit_id=get_by_code(session, lead_unit).id if lead_unit else None,
        overdue=overdue,
        warning=warning,
        q=q,
        received_from=received_from,
        received_to=received_to,
    )
    budget = settings.list_count_budget_ms
    found = list_page(
        session,
        actor,
        filters,
        sort=sort,
        limit=page_size,
        cursor=cursor,
        offset=offset,
        count_budget_ms=budget,
    )
    return CasePage(
        total=found.total,
        total_capped=found.capped,
        total_estimated=found.estimated,
        page=page,
        page_size=page_size,
        next_cursor=found.next_cursor,
        items=list(found.rows),
    )


@router.get("/actions", response_model=list[ActionRuleOut])
def list_actions(_: Anyone) -> list[dict[str, object]]:
    """The lifecycle table: each action, its label, the states it starts from and the roles allowed."""
    return [
        {
            "action": r.name,
            "label": r.label,
            "from_states": sorted(s.value for s in r.from_states),
            "to_state": r.to_state.value if r.to_state else None,
            "roles": sorted(x.value for x in r.roles),
            "party": r.party.value,
        }
        for r in RULES.values()
    ]


@router.get("/unlocated", response_model=CasePage)
def list_unlocated(
    actor: CaseReader,
    session: DbSession,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CasePage:
    """待定位: received demands with no place yet, that the actor's centre took in (or the actor)."""
    ids, total = repository.list_unlocated(session, actor, limit=page_size, offset=(page - 1) * page_size)
    return CasePage(total=total, page=page, page_size=page_size, items=views.summaries(session, ids))


@router.get("/{code}", response_model=CaseOut)
def get_case(code: str, actor: CaseReader, session: DbSession, ctx: CaseCtx) -> CaseOut:
    return views.detail(session, ctx, actor, repository.get_readable(session, actor, code))


@router.post("/{code}/{action}", response_model=CaseOut)
def act_on_case(
    code: str, action: str, body: ActionIn, actor: CaseReader, session: DbSession, ctx: CaseCtx
) -> CaseOut:
    case = flows.act(session, ctx, actor, code, action, body)
    return views.detail(session, ctx, actor, case)
