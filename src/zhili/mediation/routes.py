"""Every mediation router, mounted by ``zhili.app`` as one."""

from fastapi import APIRouter

from zhili.mediation import api

router = APIRouter()
router.include_router(api.router)
