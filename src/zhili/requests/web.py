"""Case pages: every workbench route of the cases domain, gathered into one router."""

from __future__ import annotations

from fastapi import APIRouter

from zhili.requests import web_attachments, web_case, web_intake, web_portal, web_queues

router = APIRouter(include_in_schema=False)
for part in (web_intake, web_queues, web_case, web_attachments, web_portal):
    router.include_router(part.router)
