"""JSON routes of the assessment: rules, publishing, league tables, trends, drill-down and exports."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response

from zhili.assessment import config, periods, reports, repository, service
from zhili.assessment.api_appeals import router as appeals_router
from zhili.assessment.deps import SettingsDep, zone
from zhili.assessment.export import filename, to_csv, to_xlsx
from zhili.assessment.models import League
from zhili.assessment.policy import AssessmentReader, Publisher, RulesEditor
from zhili.assessment.schemas import (
    DrillDownOut,
    LeagueOut,
    LeagueTrendPoint,
    RulesIn,
    RulesOut,
    RunIn,
    RunOut,
    TrendOut,
)
from zhili.assessment.views import row_out, run_out
from zhili.deps import DbSession

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
router = APIRouter(prefix="/api/assessment", tags=["assessment"])
router.include_router(appeals_router)

MonthQ = Query(default=None, max_length=7, description="考核月份，如 2026-10")
DayQ = Query(default=None, max_length=10, description="YYYY-MM-DD（含）")


@router.get("/rules", response_model=RulesOut)
def get_rules(_actor: AssessmentReader, session: DbSession, settings: SettingsDep) -> RulesOut:
    row = config.active_rule_set(session)
    rules, rule_set_id = config.active_rules(session, settings)
    return RulesOut(
        rule_set_id=rule_set_id,
        rules=rules,
        labels=config.FIELD_LABELS,
        created_by=row.created_by if row else None,
        created_at=row.created_at if row else None,
    )


@router.put("/rules", response_model=RulesOut)
def put_rules(body: RulesIn, admin: RulesEditor, session: DbSession) -> RulesOut:
    row = config.save_rules(session, body.rules, actor=admin.username, note=body.note)
    return RulesOut(
        rule_set_id=row.id,
        rules=body.rules,
        labels=config.FIELD_LABELS,
        created_by=row.created_by,
        created_at=row.created_at,
    )


@router.post("/runs", response_model=LeagueOut, status_code=201)
def publish_run(body: RunIn, actor: Publisher, session: DbSession, settings: SettingsDep) -> LeagueOut:
    period = periods.resolve(body.month, body.start, body.end)
    rules, rule_set_id = config.active_rules(session, settings)
    run, rows = service.publish(
        session, period, rules, zone(settings), actor=actor.username, rule_set_id=rule_set_id, note=body.note
    )
    return LeagueOut(run=run_out(run), period=period.label, league=None, rows=[row_out(r) for r in rows])


@router.get("/runs", response_model=list[RunOut])
def list_runs(
    _actor: AssessmentReader,
    session: DbSession,
    period: str | None = Query(default=None, max_length=32, description="考核期，如 2026-10"),
    limit: int = Query(default=100, ge=1, le=500),
) -> list[RunOut]:
    return [run_out(run) for run in repository.runs(session, period, limit)]


@router.get("/runs/{run_id}", response_model=RunOut)
def get_run(run_id: int, _actor: AssessmentReader, session: DbSession) -> RunOut:
    return run_out(repository.get_run(session, run_id))


@router.get("/league", response_model=LeagueOut)
def league_table(
    _actor: AssessmentReader,
    session: DbSession,
    month: str | None = MonthQ,
    start: str | None = DayQ,
    end: str | None = DayQ,
    league: League | None = None,
    version: int | None = Query(default=None, ge=1, description="版本；默认最新发布的版本"),
) -> LeagueOut:
    """A published league table (frozen)."""
    return reports.published(session, periods.resolve(month, start, end), league, version)


@router.get("/live", response_model=LeagueOut)
def live_table(
    _actor: AssessmentReader,
    session: DbSession,
    settings: SettingsDep,
    month: str | None = MonthQ,
    start: str | None = DayQ,
    end: str | None = DayQ,
    league: League | None = None,
) -> LeagueOut:
    """Computed now for any period with the rules in force; not stored."""
    return reports.live(session, settings, periods.resolve(month, start, end), league)


@router.get("/trend", response_model=TrendOut)
def unit_trend(
    _actor: AssessmentReader,
    session: DbSession,
    unit: str = Query(max_length=32, description="单位编码"),
    from_month: str = Query(alias="from", max_length=7, description="开始月份 YYYY-MM"),
    to_month: str = Query(alias="to", max_length=7, description="结束月份 YYYY-MM"),
) -> TrendOut:
    """One unit's rank, composite and rates per published month (for trend charts)."""
    return reports.unit_trend(session, unit, from_month, to_month)


@router.get("/trend/league", response_model=list[LeagueTrendPoint])
def league_trend(
    _actor: AssessmentReader,
    session: DbSession,
    league: League,
    from_month: str = Query(alias="from", max_length=7),
    to_month: str = Query(alias="to", max_length=7),
) -> list[LeagueTrendPoint]:
    return reports.league_trend(session, league, from_month, to_month)


@router.get("/drilldown", response_model=DrillDownOut)
def drill_down(
    actor: AssessmentReader,
    session: DbSession,
    settings: SettingsDep,
    unit: str = Query(max_length=32, description="单位编码"),
    rate: str = Query(max_length=16, description="response/resolution/satisfaction/checkin/excluded"),
    month: str | None = MonthQ,
    start: str | None = DayQ,
    end: str | None = DayQ,
    version: int | None = Query(default=None, ge=1),
    limit: int = Query(default=200, ge=1, le=5000),
    offset: int = Query(default=0, ge=0),
) -> DrillDownOut:
    """The cases behind one unit's rate, within what the actor may read."""
    period = periods.resolve(month, start, end)
    return reports.drill_down(session, actor, settings, period, unit, rate, version, limit, offset)


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "考核结果：Excel（每个单位组一页，另附考核规则）或 CSV（UTF-8 BOM）",
            "content": {
                XLSX_MEDIA: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string", "format": "binary"}},
            },
        }
    },
)
def export(
    _actor: AssessmentReader,
    session: DbSession,
    month: str | None = MonthQ,
    start: str | None = DayQ,
    end: str | None = DayQ,
    version: int | None = Query(default=None, ge=1),
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    run = repository.run_for(session, periods.resolve(month, start, end), version)
    rows = repository.results(session, run.id)
    if format == "csv":
        body, media = to_csv(rows), "text/csv; charset=utf-8"
    else:
        body, media = to_xlsx(run, rows), XLSX_MEDIA
    disposition = f'attachment; filename="{filename(run, format)}"'
    return Response(content=body, media_type=media, headers={"Content-Disposition": disposition})
