"""Every mediation router, mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.mediation import api, web

router = APIRouter()
for part in (api.router, web.router):
    router.include_router(part)
