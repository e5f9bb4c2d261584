"""Every grid router (API and pages), mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.grid.cells import api as cells_api
from zhili.grid.cells import web as cells_web
from zhili.grid.patrols import api as patrols_api
from zhili.grid.patrols import web as patrols_web
from zhili.grid.registry import api as registry_api

router = APIRouter()
for part in (cells_api.router, patrols_api.router, registry_api.router, patrols_web.router, cells_web.router):
    router.include_router(part)
