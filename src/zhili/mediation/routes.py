"""Every mediation router, mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.mediation import api, portal, registry_web, rounds_api, rounds_web, web

router = APIRouter()
parts = (rounds_api.router, api.router, rounds_web.router, registry_web.router, web.router, portal.router)
for part in parts:
    router.include_router(part)
