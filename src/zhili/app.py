"""create_app(settings): the one FastAPI application, with its API, web pages and error handlers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import Depends, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from zhili import __version__, handlers
from zhili.after_response import AfterResponse
from zhili.csrf import csrf_protect
from zhili.db import Database
from zhili.inputs import RawFormCheck, check_inputs
from zhili.kernel.logs import configure_logging
from zhili.metrics_http import RequestMetrics
from zhili.request_id import RequestId
from zhili.security import SecurityHeaders
from zhili.settings import Settings, get_settings
from zhili.web.assets import STATIC_DIR, HashedStaticFiles

GZIP_MIN_BYTES = 500  # smaller answers are not worth compressing


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    owns_database = database is None
    if owns_database:  # a real server (tests hand the app their database, and keep pytest's logging)
        configure_logging(settings)
    db = database or Database.for_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from zhili.jobs.handoff import start_hand_offs, stop_hand_offs
        from zhili.jobs.inline import start_inline_jobs, stop_inline_jobs
        from zhili.notifications.tasks import start_delivery, stop_delivery

        # Periodic jobs (deadline sweeps, analytics sync, audit anchor) run inside the server with
        # ZHILI_JOBS=inline, and only when it owns its database (not in tests, which hand the app
        # theirs). With ZHILI_JOBS=queue, `zhili worker` runs them and the server runs none, and hands
        # each intake's triage to the workers. Inline, SMS leave the outbox as soon as the transaction
        # that wrote them commits (the queue polls).
        inline = owns_database and settings.jobs == "inline"
        jobs = start_inline_jobs(db, settings) if owns_database else []
        deliverer = start_delivery(app) if inline else None
        hand_off = start_hand_offs(settings) if owns_database else None
        yield
        await asyncio.to_thread(stop_hand_offs, hand_off)
        await stop_delivery(deliverer)
        await stop_inline_jobs(jobs)
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
    app.add_middleware(RequestId)
    if settings.trusted_proxies:  # only then is X-Forwarded-For believed, and only from those peers
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(RequestMetrics)
    app.add_middleware(AfterResponse)  # outside the others: its work starts once the answer is sent
    handlers.install(app)
    _mount_routes(app)
    app.mount("/static", HashedStaticFiles(directory=STATIC_DIR, check_dir=False), name="static")
    # Outermost: every answer (pages, JSON, static files) is compressed when the client accepts it.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES)
    return app


def create_worker_app() -> FastAPI:
    """uvicorn's app factory under ``zhili serve``: a worker that ends with its parent (``serving``)."""
    from zhili.serving import tie_to_parent

    tie_to_parent()
    return create_app()


def _mount_routes(app: FastAPI) -> None:
    from zhili import apidocs, route_gate
    from zhili.analytics import api as analytics_api
    from zhili.analytics import web as analytics_web
    from zhili.assessment import api as assessment_api
    from zhili.assessment import web as assessment_web
    from zhili.audit import web as audit_web
    from zhili.auth import admin_web
    from zhili.auth import api as auth_api
    from zhili.auth import web as auth_web
    from zhili.cases import api as cases_api
    from zhili.cases import picker as cases_picker
    from zhili.cases.tracking import api as track_api
    from zhili.cases.web import routes as cases_web
    from zhili.community.routes import router as community_router
    from zhili.divisions import api as divisions_api
    from zhili.divisions import picker as divisions_picker
    from zhili.divisions import web as divisions_web
    from zhili.grid.routes import router as grid_router
    from zhili.health import router as health_router
    from zhili.home import router as home_router
    from zhili.jobs import api as jobs_api
    from zhili.jobs import readiness as jobs_readiness  # noqa: F401 (registers /readyz's worker check)
    from zhili.jobs import web as jobs_web
    from zhili.knowledge import api as knowledge_api
    from zhili.knowledge import picker as knowledge_picker
    from zhili.knowledge import web as knowledge_web
    from zhili.labels import readable_detail, target_name
    from zhili.mediation.routes import router as mediation_router
    from zhili.metrics_http import router as metrics_router
    from zhili.notifications import api as notifications_api
    from zhili.notifications import web as notifications_web
    from zhili.open311 import api as open311_api
    from zhili.petitions.routes import router as petitions_router
    from zhili.plan.routes import router as plan_router
    from zhili.suggestions.routes import router as suggestions_router
    from zhili.taxonomy import picker as taxonomy_picker
    from zhili.taxonomy import web as taxonomy_web
    from zhili.triage import api as triage_api
    from zhili.triage import web as triage_web
    from zhili.units import api as units_api
    from zhili.units import picker as units_picker
    from zhili.units import web as units_web
    from zhili.units.directory import UNIT_TYPE_LABELS, unit_type_label
    from zhili.web.templating import configure as configure_templates
    from zhili.web.templating import render_error, templates
    from zhili.wiring import wire

    app.state.render_error = render_error
    configure_templates(app.state.settings)
    templates.env.filters["unit_type"] = unit_type_label  # 房屋管理局, never housing_admin
    templates.env.globals["unit_type_choices"] = list(UNIT_TYPE_LABELS.items())
    templates.env.filters["readable_detail"] = readable_detail
    templates.env.filters["target_name"] = target_name
    wire()  # 12345 建议 demands flow to 人民建议征集; the store keeps the suggestions
    open311_api.install(app)  # under ZHILI_OPEN311_BASE_PATH, with its own error shape
    for router in (
        health_router,
        # Routes are matched in order, router by router: intake (POST /api/cases), the busiest write,
        # comes right after the health check. Type-ahead pickers come before their domain's API:
        # /api/units/pick must not be read as the unit coded "pick".
        cases_picker.router,
        cases_api.router,
        units_picker.router,
        divisions_picker.router,
        taxonomy_picker.router,
        knowledge_picker.router,
        metrics_router,
        auth_api.router,
        divisions_api.router,
        units_api.router,
        knowledge_api.router,
        analytics_api.router,
        assessment_api.router,
        triage_api.router,
        track_api.router,
        jobs_api.router,
        notifications_api.router,
        auth_web.router,
        notifications_web.router,
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
        jobs_web.router,
        community_router,
        grid_router,
        petitions_router,
        mediation_router,
        suggestions_router,
        plan_router,
        home_router,
        apidocs.router_for(app.state.settings),
    ):
        app.include_router(router)
    route_gate.install(app)
