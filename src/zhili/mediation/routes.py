"""Every mediation router, mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.mediation import api, portal, rounds_api, rounds_web, web

router = APIRouter()
for part in (rounds_api.router, api.router, rounds_web.router, web.router, portal.router):
    router.include_router(part)
