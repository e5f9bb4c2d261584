"""Every grid router (API and pages), mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.grid import api, web
from zhili.grid.cells import api as cells_api
from zhili.grid.registry import api as registry_api

router = APIRouter()
for part in (cells_api.router, api.router, registry_api.router, web.router):
    router.include_router(part)
