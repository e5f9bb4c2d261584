"""Every community router (API and pages), mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.community import api, hall_api, volunteer_api, volunteer_web, web
from zhili.community.organisations import api as organisations_api

router = APIRouter()
for part in (
    api.router,
    organisations_api.router,
    hall_api.router,
    volunteer_api.router,
    web.router,
    volunteer_web.router,
):
    router.include_router(part)
