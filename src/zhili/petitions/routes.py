"""Every 信访 router (API and pages), mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.petitions import api, desks, portal, web

router = APIRouter()
for part in (api.router, web.router, desks.router, portal.router):
    router.include_router(part)
