"""JSON routes of the 民生诉求数据库 (``/api/analytics/...``): staff only, scoped by jurisdiction.

Each route answers the plain dicts of its view (the analytics page draws from the same ones), and its
``response_model`` (``analytics.schemas``) describes them in /openapi.json and checks them on the way
out.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from zhili.analytics import actions_api, console, views, warnings
from zhili.analytics.engine import Engine
from zhili.analytics.filters import Reach, ViewFilter
from zhili.analytics.labels import Labels
from zhili.analytics.policy import AnalystActor, ConsoleUser
from zhili.analytics.schemas import (
    CategoryForecastOut,
    EarlyWarningOut,
    HandlingRowOut,
    HotspotCellOut,
    HotspotDistrictOut,
    RecurringProblemOut,
    RepeatAddressOut,
    RepeatCallersOut,
    SentimentRowOut,
    SqlConsoleOut,
    SqlIn,
    TopProblemOut,
    VolumeRowOut,
)
from zhili.analytics.service import engine
from zhili.deps import DbSession, ReadOnlyRequest
from zhili.divisions.repository import latest_populations
from zhili.settings import Settings

router = APIRouter(prefix="/api/analytics", tags=["analytics"])


def reach(actor: AnalystActor) -> Reach:
    return Reach.of(actor)


Analyst = Annotated[Reach, Depends(reach)]
Code = Annotated[str | None, Query(max_length=12, pattern=r"^\d+$")]


def view_filter(
    date_from: Annotated[date | None, Query(description="开始日期（含）")] = None,
    date_to: Annotated[date | None, Query(description="结束日期（含）")] = None,
    district: Code = None,
    street: Code = None,
    community: Code = None,
    category: Annotated[
        str | None, Query(max_length=16, pattern=r"^\d+$", description="分类编码前缀")
    ] = None,
    channel: Annotated[str | None, Query(max_length=16)] = None,
    demand_type: Annotated[str | None, Query(max_length=16)] = None,
) -> ViewFilter:
    return ViewFilter(date_from, date_to, district, street, community, category, channel, demand_type)


Filter = Annotated[ViewFilter, Depends(view_filter)]


def _engine(request: Request) -> Engine:
    settings: Settings = request.app.state.settings
    return engine(settings)


Store = Annotated[Engine, Depends(_engine)]


def _labels(session: DbSession) -> Labels:
    return Labels(session)


Named = Annotated[Labels, Depends(_labels)]
By = Annotated[str, Query(max_length=16, description="分组维度")]
Limit = Annotated[int, Query(ge=1, le=views.MAX_LIMIT)]


@router.get("/volume", response_model=list[VolumeRowOut])
def volume(
    actor: Analyst, f: Filter, e: Store, labels: Named, by: By = "month", limit: Limit = 500
) -> list[dict[str, Any]]:
    """诉求量：按时间、区、街乡、社区、类别、类型或渠道分组。"""
    return views.volume(e, labels, actor, f, by, limit)


@router.get("/handling", response_model=list[HandlingRowOut])
def handling(
    actor: Analyst, f: Filter, e: Store, labels: Named, by: By = "district", limit: Limit = 500
) -> list[dict[str, Any]]:
    """办理时长、超期率、解决率与满意率。"""
    return views.handling(e, labels, actor, f, by, limit)


@router.get("/hotspots/districts", response_model=list[HotspotDistrictOut])
def districts(actor: Analyst, f: Filter, e: Store, labels: Named, session: DbSession) -> list[dict[str, Any]]:
    """分区热力（面积填色图数据）：诉求量与每万常住人口诉求量（按各区最新一年的常住人口；
    无人口数据的区 per_10k 为空，population_note 为“无人口数据”）。"""
    return views.district_choropleth(e, labels, actor, f, partial(latest_populations, session))


@router.get("/hotspots/cells", response_model=list[HotspotCellOut])
def cells(
    actor: Analyst,
    f: Filter,
    e: Store,
    resolution: Annotated[int, Query(ge=0, le=10)] = 7,
    limit: Limit = 2000,
) -> list[dict[str, Any]]:
    """H3 六边形热力：任意分辨率（由存储的格网单元上卷）。"""
    return views.hex_cells(e, actor, f, resolution, limit)


@router.get("/top-problems", response_model=list[TopProblemOut])
def top_problems(
    actor: Analyst, f: Filter, e: Store, labels: Named, limit: Annotated[int, Query(ge=1, le=200)] = 20
) -> list[dict[str, Any]]:
    """高频问题及其关键词。"""
    return views.top_problems(e, labels, actor, f, limit)


@router.get("/repeats/addresses", response_model=list[RepeatAddressOut])
def repeat_addresses(
    actor: Analyst,
    f: Filter,
    e: Store,
    labels: Named,
    minimum: Annotated[int, Query(ge=2, le=1000)] = 3,
    limit: Limit = 100,
) -> list[dict[str, Any]]:
    """重复诉求地址（以匿名标识呈现，仅到社区）。"""
    return views.repeat_addresses(e, labels, actor, f, minimum, limit)


@router.get("/repeats/callers", response_model=RepeatCallersOut)
def repeat_callers(
    actor: Analyst,
    f: Filter,
    e: Store,
    labels: Named,
    minimum: Annotated[int, Query(ge=2, le=1000)] = 3,
    limit: Limit = 50,
) -> dict[str, Any]:
    """重复来电人（匿名标识，不含任何个人信息）。"""
    return views.repeat_callers(e, labels, actor, f, minimum, limit)


@router.get("/sentiment", response_model=list[SentimentRowOut])
def sentiment(actor: Analyst, f: Filter, e: Store, labels: Named, by: By = "week") -> list[dict[str, Any]]:
    """社会心态：诉求文本情绪得分随时间的变化。"""
    return views.sentiment(e, labels, actor, f, by)


@router.get("/warnings", response_model=list[EarlyWarningOut])
def early_warnings(
    actor: Analyst, e: Store, labels: Named, as_of: Annotated[date, Query(description="预警日")]
) -> list[dict[str, Any]]:
    """未诉先办：截至某日的街乡 × 类别异常升高（负二项检验 + BH 错误发现率控制）。"""
    return warnings.early_warnings(e, labels, actor, as_of)


@router.get("/forecast", response_model=list[CategoryForecastOut])
def weekly_forecast(
    actor: Analyst, f: Filter, e: Store, labels: Named, horizon: Annotated[int, Query(ge=1, le=12)] = 4
) -> list[dict[str, Any]]:
    """各大类未来数周诉求量预测。"""
    return warnings.weekly_forecasts(e, labels, actor, f, horizon)


@router.get("/recurring", response_model=list[RecurringProblemOut])
def recurring(
    actor: Analyst, f: Filter, e: Store, labels: Named, min_weeks: Annotated[int, Query(ge=2, le=53)] = 4
) -> list[dict[str, Any]]:
    """同一社区同一类问题反复出现。"""
    return warnings.recurring_communities(e, labels, actor, f, min_weeks)


@router.post("/sql", response_model=SqlConsoleOut, dependencies=[ReadOnlyRequest])
def sql_console(body: SqlIn, actor: ConsoleUser, request: Request, e: Store) -> dict[str, Any]:
    """只读 SQL 控制台：仅限分析库，限时、限行；只对全市范围的用户开放。"""
    settings: Settings = request.app.state.settings
    return console.run(e, actor, body.sql, console.Limits.of(settings))


router.include_router(actions_api.router)
