"""The API's documentation: ``/openapi.json`` and the Swagger UI at ``/docs``, served from this server
(the intranet has no CDN). Open in development and test; behind staff sign-in in production."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse

from zhili.auth.permissions import Permission
from zhili.auth.policy import anyone, is_staff
from zhili.settings import Settings
from zhili.web.templating import render

OPENAPI_URL = "/openapi.json"


def router_for(settings: Settings) -> APIRouter:
    guard: Permission = is_staff if settings.environment == "production" else anyone
    router = APIRouter(include_in_schema=False, dependencies=[guard.depends])

    @router.get(OPENAPI_URL)
    def openapi(request: Request) -> JSONResponse:
        app: FastAPI = request.app
        schema: dict[str, Any] = app.openapi()
        return JSONResponse(schema)

    @router.get("/docs", response_class=HTMLResponse)
    def docs(request: Request) -> HTMLResponse:
        return render(request, "api_docs.html", {"openapi_url": OPENAPI_URL})

    return router
