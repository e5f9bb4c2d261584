"""One error handler per surface: JSON for /api, a Chinese page or toast for the web, and whatever
an adapter registers for its own path (Open311's ``[{code, description}]`` under its base path).

Stack traces never reach a user; unexpected errors are logged with the request path only. A value
the database cannot hold (an integer or a time out of range) is the client's error, a 422, however
it got past the checks of ``zhili.inputs``. A deadlock the database broke is a lost race (409), and a
SQLite file still locked after its busy timeout a busy server (503): neither is a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, OperationalError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from zhili.errors import PasswordChangeRequired, RedirectTo, ZhiliError

PASSWORD_PAGE = "/account/password"

log = logging.getLogger("zhili.errors")

HTTP_MESSAGES = {
    400: "请求无效",
    401: "请先登录",
    403: "无权访问",
    404: "您访问的内容不存在或不在您的辖区内",
    405: "不支持该请求方法",
    409: "操作冲突，请刷新后重试",
    413: "上传内容过大",
    422: "提交的内容有误",
    429: "请求过于频繁，请稍后再试",
    500: "系统内部错误，请稍后再试或联系管理员",
}

# Renders a web error; installed by zhili.web so that this module stays free of templates.
WebRenderer = Any
OUT_OF_RANGE = {"code": "out_of_range", "message": "提交的数值、时间或文本超出允许范围"}


def add_surface(app: FastAPI, prefix: str, renderer: Any) -> None:
    """Errors of requests under ``prefix`` are rendered by ``renderer(request, status, body)``."""
    surfaces: list[tuple[str, Any]] = getattr(app.state, "error_surfaces", [])
    app.state.error_surfaces = [*surfaces, (prefix, renderer)]


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics"):
        return True
    return "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get(
        "accept", ""
    )


def _field_of(loc: Sequence[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form", "cookie")]
    return ".".join(parts) or str(loc[-1] if loc else "")


def _validation_message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "必填项缺失"
    if kind in ("string_too_short",):
        return "内容不能为空" if ctx.get("min_length", 1) <= 1 else f"至少需要 {ctx.get('min_length')} 个字符"
    if kind in ("string_too_long",):
        return f"内容过长，最多 {ctx.get('max_length')} 个字符"
    if kind.startswith(("int_", "float_")):
        return "需要填写数字"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return "数值超出允许范围"
    if kind in ("enum", "literal_error"):
        return f"取值无效，可选：{ctx.get('expected', '')}"
    return str(error.get("msg", "格式不正确"))


def error_response(request: Request, status: int, body: dict[str, Any]) -> Response:
    for prefix, surface in getattr(request.app.state, "error_surfaces", []):
        if request.url.path == prefix or request.url.path.startswith(prefix + "/"):
            rendered: Response = surface(request, status, body)
            return rendered
    if _wants_json(request):
        return JSONResponse({"error": body}, status_code=status)
    renderer: WebRenderer | None = getattr(request.app.state, "render_error", None)
    if renderer is not None:
        response: Response = renderer(request, status, body)
        return response
    return HTMLResponse(f"<p>{body['message']}</p>", status_code=status)


RACE_SQLSTATES = {"40P01": "deadlock", "40001": "serialization failure"}
BUSY_MESSAGE = "系统繁忙，请稍后重试"


def _race_kind(exc: OperationalError) -> str | None:
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if sqlstate in RACE_SQLSTATES:
        return RACE_SQLSTATES[sqlstate]
    if "database is locked" in str(orig):
        return "busy"
    return None


def install(app: FastAPI) -> None:
    @app.exception_handler(ZhiliError)
    async def zhili_error(request: Request, exc: ZhiliError) -> Response:
        if isinstance(exc, PasswordChangeRequired) and not _wants_json(request):
            exc = RedirectTo(PASSWORD_PAGE)
        if isinstance(exc, RedirectTo):
            if request.headers.get("HX-Request") == "true":
                return Response(status_code=204, headers={"HX-Redirect": exc.location})
            return RedirectResponse(exc.location, status_code=303)
        response = error_response(request, exc.status, exc.to_dict())
        response.headers.update(getattr(exc, "headers", None) or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        first = errors[0] if errors else {"loc": (), "msg": "请求无效"}
        body = {
            "code": "validation_failed",
            "message": _validation_message(first),
            "field": _field_of(first.get("loc", ())),
            "details": [
                {"field": _field_of(e.get("loc", ())), "message": _validation_message(e)} for e in errors
            ],
        }
        return error_response(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else None
        if message in (None, "Not Found", "Method Not Allowed", "Unauthorized", "Forbidden"):
            message = HTTP_MESSAGES.get(exc.status_code, "请求无效")
        elif message.isascii():  # Starlette's own words (a body it could not parse): say it in Chinese
            message = f"{HTTP_MESSAGES.get(exc.status_code, '请求无效')}：{message}"
        body = {"code": f"http_{exc.status_code}", "message": message}
        return error_response(request, exc.status_code, body)

    @app.exception_handler(OverflowError)
    @app.exception_handler(DataError)
    @app.exception_handler(StatementError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        orig = getattr(exc, "orig", exc)
        if (
            isinstance(exc, StatementError)
            and not isinstance(exc, DataError)
            and not isinstance(orig, OverflowError)
        ):
            return await unexpected(request, exc)
        log.warning("value out of range (%s) on %s %s", type(orig).__name__, request.method, request.url.path)
        return error_response(request, 422, dict(OUT_OF_RANGE))

    @app.exception_handler(OperationalError)
    async def lost_race(request: Request, exc: OperationalError) -> Response:
        """A deadlock or serialization failure is a race one side lost (409, try again); a database
        still locked after the busy timeout is busy (503). Anything else is unexpected."""
        kind = _race_kind(exc)
        if kind is None:
            return await unexpected(request, exc)
        log.warning("%s on %s %s", kind, request.method, request.url.path)
        if kind == "busy":
            response = error_response(request, 503, {"code": "busy", "message": BUSY_MESSAGE})
            response.headers["Retry-After"] = "1"
            return response
        return error_response(request, 409, {"code": "conflict", "message": HTTP_MESSAGES[409]})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        # Log the type and path only: exception text may echo request data with personal details.
        log.error("unhandled %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return error_response(request, 500, {"code": "internal_error", "message": HTTP_MESSAGES[500]})
