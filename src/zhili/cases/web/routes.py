"""Case pages: every workbench route of the cases domain, gathered into one router."""

from __future__ import annotations

from fastapi import APIRouter

from zhili.cases.web import attachments as web_attachments
from zhili.cases.web import callers as web_callers
from zhili.cases.web import case as web_case
from zhili.cases.web import intake as web_intake
from zhili.cases.web import portal as web_portal
from zhili.cases.web import queues as web_queues
from zhili.cases.web import reveal as web_reveal

router = APIRouter(include_in_schema=False)
for part in (web_intake, web_queues, web_case, web_attachments, web_portal, web_reveal, web_callers):
    router.include_router(part.router)
