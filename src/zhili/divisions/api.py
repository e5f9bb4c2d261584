"""Public JSON routes for divisions: browse the hierarchy, look one up, resolve a location."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from zhili.auth.policy import anyone
from zhili.deps import DbSession
from zhili.divisions import repository
from zhili.divisions.deps import DivisionResolver
from zhili.divisions.schemas import DivisionDetailOut, DivisionOut, ResolveOut
from zhili.errors import NotFound

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


@router.get("/{code}", summary="单个行政区划")
def get_division(session: DbSession, code: str) -> DivisionDetailOut:
    item = repository.get_item(session, code)
    if item is None:
        raise NotFound(f"行政区划 {code} 不存在", field="code")
    ancestors = [DivisionOut.of(ancestor) for ancestor in repository.ancestors(session, item)]
    return DivisionDetailOut(**DivisionOut.of(item).model_dump(), ancestors=ancestors)
