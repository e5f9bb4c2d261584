"""CSRF protection for cookie sessions (synchroniser token).

Unsafe requests that do not carry an API key must present the session's token in the
``X-CSRF-Token`` header (htmx and fetch) or the ``csrf_token`` form field.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from zhili.errors import Forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
HEADER = "X-CSRF-Token"
FIELD = "csrf_token"
# Paths that establish a session from JSON credentials, that authenticate by api_key themselves, or
# that take no cookie login at all (citizen tracking and 回访, where the link's token is the proof).
EXEMPT_PREFIXES = ("/api/auth/login", "/open311/", "/api/track/")


def csrf_token(request: Request) -> str:
    token = request.session.get(FIELD)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[FIELD] = token
    return str(token)


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE_METHODS:
        return
    if request.url.path.startswith(EXEMPT_PREFIXES):
        return
    if request.url.path.startswith(request.app.state.settings.open311_base_path + "/"):
        return  # Open311 authenticates by api_key, wherever ZHILI_OPEN311_BASE_PATH puts it
    if request.headers.get("X-API-Key") or request.headers.get("Authorization", "").lower().startswith(
        "bearer "
    ):
        return
    expected = request.session.get(FIELD)
    sent = request.headers.get(HEADER)
    if not sent and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not expected or not sent or not hmac.compare_digest(str(expected), sent):
        raise Forbidden("页面已过期或请求来源无效（CSRF 校验失败），请刷新页面后重试")
