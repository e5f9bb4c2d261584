"""Every community router (API and pages), mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.community.halls import api as halls_api
from zhili.community.halls import web as halls_web
from zhili.community.organisations import api as organisations_api
from zhili.community.profiles import api as profiles_api
from zhili.community.profiles import web as profiles_web
from zhili.community.volunteers import api as volunteers_api
from zhili.community.volunteers import web as volunteers_web

router = APIRouter()
for part in (
    profiles_api.router,
    organisations_api.router,
    halls_api.router,
    volunteers_api.router,
    halls_web.router,
    profiles_web.router,
    volunteers_web.router,
):
    router.include_router(part)
