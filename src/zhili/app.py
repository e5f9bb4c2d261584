"""create_app(settings): the one FastAPI application, with its API, web pages and error handlers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from zhili import __version__, handlers
from zhili.after_response import AfterResponse
from zhili.csrf import csrf_protect
from zhili.db import Database
from zhili.inputs import RawFormCheck, check_inputs
from zhili.security import SecurityHeaders
from zhili.settings import Settings, get_settings
from zhili.web.assets import STATIC_DIR


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_database = database is None
    db = database or Database(settings.resolved_database_url, sqlite_synchronous=settings.sqlite_synchronous)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from zhili.analytics.tasks import start_periodic_sync, stop_periodic_sync
        from zhili.audit.tasks import start_periodic_anchor, stop_periodic_anchor
        from zhili.cases.sweep.tasks import start_periodic_sweep, stop_periodic_sweep

        # The deadline sweep, the analytics sync and the audit anchor run inside the server only when
        # it owns its database (not in tests, which hand the app theirs).
        sweeper = start_periodic_sweep(app) if owns_database else None
        syncer = start_periodic_sync(app) if owns_database else None
        anchorer = start_periodic_anchor(app) if owns_database else None
        yield
        await stop_periodic_anchor(anchorer)
        await stop_periodic_sync(syncer)
        await stop_periodic_sweep(sweeper)
        if owns_database:
            db.dispose()

    app = FastAPI(
        title="zhili 治理",
        version=__version__,
        description="城市社会治理平台：接诉即办、民生诉求数据库、网格化、社区治理、规划监测",
        lifespan=lifespan,
        dependencies=[Depends(check_inputs), Depends(csrf_protect)],
        # Served by zhili.apidocs instead: from this server, and behind sign-in in production.
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="zhili_session",
        max_age=int(timedelta(hours=settings.session_max_age_hours).total_seconds()),
        same_site="lax",
        https_only=settings.environment == "production",
    )
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RawFormCheck)
    app.add_middleware(AfterResponse)  # outermost: its work starts once the answer is fully sent
    handlers.install(app)
    _mount_routes(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    return app


def _mount_routes(app: FastAPI) -> None:
    from zhili import apidocs
    from zhili.analytics import api as analytics_api
    from zhili.analytics import web as analytics_web
    from zhili.assessment import api as assessment_api
    from zhili.assessment import web as assessment_web
    from zhili.audit import web as audit_web
    from zhili.auth import admin_web
    from zhili.auth import api as auth_api
    from zhili.auth import web as auth_web
    from zhili.cases import api as cases_api
    from zhili.cases.tracking import api as track_api
    from zhili.cases.web import routes as cases_web
    from zhili.community.routes import router as community_router
    from zhili.divisions import api as divisions_api
    from zhili.divisions import web as divisions_web
    from zhili.grid.routes import router as grid_router
    from zhili.health import router as health_router
    from zhili.home import router as home_router
    from zhili.knowledge import api as knowledge_api
    from zhili.knowledge import web as knowledge_web
    from zhili.open311 import api as open311_api
    from zhili.plan.routes import router as plan_router
    from zhili.taxonomy import web as taxonomy_web
    from zhili.triage import api as triage_api
    from zhili.triage import web as triage_web
    from zhili.units import api as units_api
    from zhili.units import web as units_web
    from zhili.web.templating import configure as configure_templates
    from zhili.web.templating import render_error

    app.state.render_error = render_error
    configure_templates(app.state.settings)
    open311_api.install(app)  # under ZHILI_OPEN311_BASE_PATH, with its own error shape
    for router in (
        health_router,
        auth_api.router,
        divisions_api.router,
        units_api.router,
        cases_api.router,
        knowledge_api.router,
        analytics_api.router,
        assessment_api.router,
        triage_api.router,
        track_api.router,
        auth_web.router,
        admin_web.router,
        units_web.router,
        audit_web.router,
        cases_web.router,
        taxonomy_web.router,
        knowledge_web.router,
        assessment_web.router,
        analytics_web.router,
        triage_web.router,
        divisions_web.router,
        community_router,
        grid_router,
        plan_router,
        home_router,
        apidocs.router_for(app.state.settings),
    ):
        app.include_router(router)
