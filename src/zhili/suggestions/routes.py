"""Every 人民建议征集 router (API, workbench and portal pages), mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.suggestions import api, portal, web

router = APIRouter()
for part in (api.router, web.router, portal.router):
    router.include_router(part)
