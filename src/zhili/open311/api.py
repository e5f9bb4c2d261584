"""GeoReport v2 routes: discovery, services, service definitions, requests and tokens.

Every route exists as ``.xml`` and ``.json`` under the configured base path. Reading needs no key;
an ``api_key`` (form field or query parameter, as the specification has it, or the ``X-API-Key``
header) makes the reader the key's owner, and filing a request requires one.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy import func, select
from starlette.datastructures import FormData
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from zhili import handlers
from zhili.auth import key_use
from zhili.auth import service as auth_service
from zhili.auth.deps import API_KEY_HEADER
from zhili.auth.policy import anyone
from zhili.auth.scope import Actor
from zhili.cases.deps import CaseCtx
from zhili.cases.models import Attachment
from zhili.deps import DbSession, commit_here
from zhili.open311 import catalogue, repository, views
from zhili.open311.errors import Open311Problem, bad_request, forbidden, from_body, not_found
from zhili.open311.formats import DISCOVERY_FORMATS, FORMATS, JSON, XML, render
from zhili.open311.params import check_jurisdiction, request_query, single
from zhili.open311.policy import can_file_requests
from zhili.open311.schemas import (
    CreatedOut,
    DiscoveryOut,
    ErrorOut,
    RequestOut,
    ServiceDefinitionOut,
    ServiceOut,
    TokenOut,
)
from zhili.open311.service import file_request
from zhili.settings import Settings
from zhili.storage.service import store_for
from zhili.taxonomy.models import Category

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
TOKEN_HEADER = "X-Open311-Token"


async def form_data(request: Request) -> FormData:
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise bad_request(f"不支持的格式 .{fmt}：请使用 .xml 或 .json")
    return fmt


def _api_key(request: Request, form: FormData | None = None) -> str | None:
    sent = form.get("api_key") if form is not None else None
    for candidate in (
        sent if isinstance(sent, str) else None,
        request.query_params.get("api_key"),
        request.headers.get(API_KEY_HEADER),
    ):
        if candidate and candidate.strip():
            return candidate.strip()
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer ") and authorization[7:].strip():
        return authorization[7:].strip()
    return None


def _actor(request: Request, session: DbSession, form: FormData | None = None) -> Actor | None:
    """The key's owner; None without a key. A key that is wrong or revoked is a 403."""
    key = _api_key(request, form)
    if key is None:
        return None
    actor = auth_service.actor_for_api_key(
        session, key, stamp_later=lambda key_id: key_use.stamp_after_response(request, key_id)
    )
    if actor is None:
        raise forbidden("api_key 无效或已吊销")
    return actor


def _jurisdiction(request: Request, session: DbSession, form: FormData | None = None) -> None:
    sent = form.get("jurisdiction_id") if form is not None else None
    value = (
        sent if isinstance(sent, str) and sent.strip() else single(request.query_params, "jurisdiction_id")
    )
    check_jurisdiction(session, _settings(request), value)


def discovery(fmt: str, request: Request, session: DbSession) -> Response:
    fmt = _format(fmt)
    settings = _settings(request)
    changed = session.execute(select(func.max(Category.updated_at))).scalar_one_or_none()
    changeset = views.iso(changed, ZoneInfo(settings.timezone)) or ""
    endpoint = {
        "specification": SPECIFICATION,
        "url": settings.public_base_url.rstrip("/") + settings.open311_base_path,
        "changeset": changeset,
        "type": "production" if settings.environment == "production" else "test",
        "formats": DISCOVERY_FORMATS,
    }
    data = {
        "changeset": changeset,
        "contact": "如需帮助，请联系本市 12345 市民服务热线平台管理员。",
        "key_service": (
            "提交诉求需要 API 密钥：请平台管理员用 zhili users issue-key <账号> --name <用途> 签发。"
        ),
        "endpoints": [endpoint],
    }
    return render(fmt, "discovery", data)


def list_services(fmt: str, request: Request, session: DbSession) -> Response:
    fmt = _format(fmt)
    _jurisdiction(request, session)
    data = [catalogue.service_out(s).model_dump() for s in catalogue.services(session)]
    return render(fmt, "services", data)


def service_definition(service_code: str, fmt: str, request: Request, session: DbSession) -> Response:
    fmt = _format(fmt)
    _jurisdiction(request, session)
    definition = catalogue.definition(catalogue.find(session, service_code))
    return render(fmt, "service_definition", definition.model_dump())


def post_request(fmt: str, request: Request, session: DbSession, ctx: CaseCtx, form: Form) -> Response:
    fmt = _format(fmt)
    actor = _actor(request, session, form)
    if actor is None:
        raise forbidden("提交诉求须提供 api_key")
    _jurisdiction(request, session, form)
    filed = file_request(session, ctx, actor, form)
    commit_here(session)
    created = CreatedOut(
        service_request_id=filed.case.code,
        token=filed.submission.token,
        service_notice=views.service_notice(filed.service.name),
        account_id=filed.account_id,
    )
    # zhili is realtime: the id comes at once; the token comes too (in the body and in a header),
    # for clients that keep one and follow their request by it.
    return render(
        fmt, "service_requests", [created.model_dump()], headers={TOKEN_HEADER: filed.submission.token}
    )


def get_requests(fmt: str, request: Request, session: DbSession, ctx: CaseCtx) -> Response:
    fmt = _format(fmt)
    actor = _actor(request, session)
    _jurisdiction(request, session)
    query = request_query(request.query_params, ctx.tz, ctx.now())
    for code in query.service_codes:
        catalogue.find(session, code)
    cases = repository.find_requests(session, actor, query)
    found = views.requests_out(session, cases, ctx.tz, query.extensions, _media_base(request))
    return render(fmt, "service_requests", [r.as_data() for r in found])


def get_request(
    service_request_id: str, fmt: str, request: Request, session: DbSession, ctx: CaseCtx
) -> Response:
    fmt = _format(fmt)
    actor = _actor(request, session)
    _jurisdiction(request, session)
    extensions = request_query(request.query_params, ctx.tz, ctx.now()).extensions
    case = repository.find_request(session, actor, service_request_id)
    if case is None:
        raise not_found(f"service_request_id {service_request_id} 不存在或无权查看")
    found = views.requests_out(session, [case], ctx.tz, extensions, _media_base(request))
    return render(fmt, "service_requests", [r.as_data() for r in found])


def get_token(token: str, fmt: str, request: Request, session: DbSession) -> Response:
    fmt = _format(fmt)
    actor = _actor(request, session)
    _jurisdiction(request, session)
    found = repository.submission_by_token(session, actor, token.strip())
    if found is None:
        raise not_found(f"token {token} 不存在")
    out = TokenOut(service_request_id=found[1], token=found[0].token)
    return render(fmt, "service_requests", [out.model_dump()])


def _media_base(request: Request) -> str:
    settings = _settings(request)
    return settings.public_base_url.rstrip("/") + settings.open311_base_path + "/media"


def get_media(service_request_id: str, photo: int, request: Request, session: DbSession) -> Response:
    """A photo uploaded with a request, to whoever may read the request (the same scoped statement)."""
    case = repository.find_request(session, _actor(request, session), service_request_id)
    sent = repository.media_of(session, [case.id]).get(case.id) if case is not None else None
    attachment = session.get(Attachment, photo) if sent == photo else None
    path = store_for(_settings(request)).path(attachment.storage_key) if attachment else None
    if attachment is None or path is None:
        raise not_found(f"media {service_request_id}/{photo} 不存在或无权查看")
    return FileResponse(path, media_type=attachment.content_type)


def unknown_route(rest: str) -> Response:
    raise not_found(f"没有这个 Open311 接口：/{rest}（见 discovery.xml）")


def _fmt_of(request: Request) -> str:
    return JSON if request.url.path.endswith(".json") else XML


async def problem_response(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Open311Problem)
    return render(_fmt_of(request), "errors", exc.errors(), status=exc.status)


def error_surface(request: Request, status: int, body: dict[str, object]) -> Response:
    """Every other error under the base path (a refused input, 405, a body that cannot be parsed, a
    500) in the specification's format too."""
    problem = from_body(status, body)
    return render(_fmt_of(request), "errors", problem.errors(), status=problem.status)


@can_file_requests.marks
def files_requests() -> None:
    """Filing needs ``open311.policy.can_file_requests``: the key comes in the form, so the service
    (``open311.service.file_request``) asks the permission once the key's owner is known."""


def answers(model: Any) -> dict[int | str, dict[str, Any]]:
    """What /openapi.json says a route answers: ``model`` as JSON (``.json``) or XML (``.xml``),
    and errors as the specification's list of ``{code, description}``."""
    xml = {"application/xml": {"schema": {"type": "string", "description": "the same data as XML"}}}
    errors = {"model": list[ErrorOut], "content": xml}
    return {
        200: {"model": model, "content": xml},
        400: {**errors, "description": "Bad request"},
        403: {**errors, "description": "Missing or invalid api_key"},
        404: {**errors, "description": "Unknown service, request, token or jurisdiction"},
    }


@functools.cache  # one router per base path per process, like every module-level router
def build_router(base_path: str) -> APIRouter:
    # Reading is public (an api_key only widens what a reader sees); filing needs a key.
    router = APIRouter(prefix=base_path, tags=["open311"], dependencies=[anyone.depends])
    route = router.add_api_route
    route(
        "/discovery.{fmt}",
        discovery,
        methods=["GET"],
        summary="Open311 服务发现",
        responses=answers(DiscoveryOut),
    )
    route(
        "/services.{fmt}",
        list_services,
        methods=["GET"],
        summary="服务类型列表",
        responses=answers(list[ServiceOut]),
    )
    route(
        "/services/{service_code}.{fmt}",
        service_definition,
        methods=["GET"],
        summary="服务定义",
        responses=answers(ServiceDefinitionOut),
    )
    route(
        "/requests.{fmt}",
        post_request,
        methods=["POST"],
        summary="提交诉求（需要 api_key）",
        dependencies=[Depends(files_requests)],
        responses=answers(list[CreatedOut]),
    )
    route(
        "/requests.{fmt}",
        get_requests,
        methods=["GET"],
        summary="查询诉求",
        responses=answers(list[RequestOut]),
    )
    route(
        "/requests/{service_request_id}.{fmt}",
        get_request,
        methods=["GET"],
        summary="查询单件诉求",
        responses=answers(list[RequestOut]),
    )
    route(
        "/tokens/{token}.{fmt}",
        get_token,
        methods=["GET"],
        summary="由 token 查询诉求编号",
        responses=answers(list[TokenOut]),
    )
    route(
        "/media/{service_request_id}/{photo}",
        get_media,
        methods=["GET"],
        summary="诉求附带的照片",
        response_class=FileResponse,
        responses={
            200: {
                "content": {"image/*": {"schema": {"type": "string", "format": "binary"}}},
                "description": "照片",
            },
            404: answers(None)[404],
        },
    )
    router.add_api_route("/{rest:path}", unknown_route, methods=["GET", "POST"], include_in_schema=False)
    return router


class Open311Cors:
    """CORS for citizen apps in a browser, on the Open311 endpoint only (``ZHILI_OPEN311_CORS_ORIGINS``)."""

    def __init__(self, app: ASGIApp, base_path: str, origins: list[str]) -> None:
        self.app = app
        self.base_path = base_path
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", API_KEY_HEADER],
            expose_headers=[TOKEN_HEADER],
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        inside = path.startswith(self.base_path + "/")
        await (self.cors if inside else self.app)(scope, receive, send)


def install(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    if settings.open311_cors_origins:
        app.add_middleware(
            Open311Cors, base_path=settings.open311_base_path, origins=settings.open311_cors_origins
        )
    app.add_exception_handler(Open311Problem, problem_response)
    handlers.add_surface(app, settings.open311_base_path, error_surface)
    app.include_router(build_router(settings.open311_base_path))
