"""JSON routes for divisions: browse the hierarchy, look one up, resolve a location (public); read
(staff) and record (admin) their resident population."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request

from zhili.auth.policy import anyone
from zhili.deps import DbSession, client_ip
from zhili.divisions import repository, service
from zhili.divisions.deps import DivisionResolver
from zhili.divisions.policy import PopulationEditor, PopulationReader
from zhili.divisions.schemas import (
    DivisionDetailOut,
    DivisionOut,
    DivisionPopulationIn,
    PopulationBatchIn,
    PopulationOut,
    PopulationReportOut,
    ResolveOut,
)
from zhili.errors import NotFound
from zhili.kernel.clock import local_today


def today(request: Request) -> date:
    """The city's date (ZHILI_TIMEZONE)."""
    return local_today(request.app.state.settings.timezone)


router = APIRouter(prefix="/api/divisions", tags=["divisions"], dependencies=[anyone.depends])


@router.get("", summary="下级行政区划列表")
def list_divisions(
    session: DbSession,
    parent: Annotated[str | None, Query(max_length=12, description="上级区划代码；不填则返回城市")] = None,
    q: Annotated[str | None, Query(max_length=32, description="按名称搜索（可与 parent 合用）")] = None,
) -> list[DivisionOut]:
    if parent is not None and repository.get(session, parent) is None:
        raise NotFound(f"行政区划 {parent} 不存在", field="parent")
    if q and q.strip():
        items = repository.search(session, q, within=parent)
    else:
        items = repository.children(session, parent)
    return [DivisionOut.of(item) for item in items]


@router.get("/resolve", summary="由经纬度和/或地址解析区、街道、社区与网格")
def resolve_location(
    resolver: DivisionResolver,
    lat: Annotated[float | None, Query(ge=-90, le=90, description="纬度（WGS84）")] = None,
    lng: Annotated[float | None, Query(ge=-180, le=180, description="经度（WGS84）")] = None,
    address: Annotated[str | None, Query(max_length=200, description="地址文本")] = None,
) -> ResolveOut:
    return ResolveOut.of(resolver.locate(lat=lat, lng=lng, address=address))


@router.get("/population", summary="下级区划的常住人口（工作人员）")
def list_population(
    _actor: PopulationReader,
    session: DbSession,
    parent: Annotated[str | None, Query(max_length=12, description="上级区划代码；不填则返回城市")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100, description="取不晚于该年的最新数据")] = None,
) -> list[PopulationOut]:
    if parent is not None and repository.get(session, parent) is None:
        raise NotFound(f"行政区划 {parent} 不存在", field="parent")
    items = repository.children(session, parent)
    figures = repository.latest_populations(session, [item.code for item in items], year=year)
    return [PopulationOut.of(item, figures.get(item.code)) for item in items]


@router.put("/population", summary="批量登记常住人口（管理员；任何一条有误则全部不写入）")
def put_populations(
    body: PopulationBatchIn, actor: PopulationEditor, session: DbSession, request: Request
) -> PopulationReportOut:
    report = service.set_populations(
        session,
        [row.row(row.code) for row in body.rows],
        actor=actor.username,
        today=today(request),
        client_ip=client_ip(request),
    )
    return PopulationReportOut(added=report.added, changed=report.changed, unchanged=report.unchanged)


@router.put("/population/{code}", summary="登记某区划某年的常住人口（管理员）")
def put_population(
    code: str, body: DivisionPopulationIn, actor: PopulationEditor, session: DbSession, request: Request
) -> PopulationOut:
    service.set_population(
        session, body.row(code), actor=actor.username, today=today(request), client_ip=client_ip(request)
    )
    item = repository.get_item(session, code)
    if item is None:  # pragma: no cover - the service refuses unknown codes with a 422 first
        raise NotFound(f"行政区划 {code} 不存在", field="code")
    return PopulationOut.of(item, repository.latest_populations(session, [code], year=body.year).get(code))


@router.get("/{code}", summary="单个行政区划")
def get_division(session: DbSession, code: str) -> DivisionDetailOut:
    item = repository.get_item(session, code)
    if item is None:
        raise NotFound(f"行政区划 {code} 不存在", field="code")
    ancestors = [DivisionOut.of(ancestor) for ancestor in repository.ancestors(session, item)]
    return DivisionDetailOut(**DivisionOut.of(item).model_dump(), ancestors=ancestors)
