"""What the web surface shows the world: the API docs closed to strangers, cookies over HTTPS only.

The application is built exactly as ``zhili serve`` builds it and asked anonymously, in process
(nothing listens on a port and no background task starts).
"""

from __future__ import annotations

import asyncio

import httpx
from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from zhili.app import create_app
from zhili.db import Database
from zhili.ops.doctor.report import Check, failed, ok
from zhili.settings import Settings

CLOSED_PATHS = ("/docs", "/openapi.json")


def build(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings, database=database)


def docs_closed(app: FastAPI) -> Check:
    title = "API 文档（/docs、/openapi.json）不对匿名用户开放"
    statuses = asyncio.run(_anonymous_statuses(app, CLOSED_PATHS))
    open_paths = [path for path, status in statuses.items() if status == 200]
    if open_paths:
        return failed(
            "docs",
            title,
            f"匿名访问 {'、'.join(open_paths)} 得到 200；生产环境须设置 ZHILI_ENVIRONMENT=production",
        )
    return ok("docs", title, "匿名访问被拒绝")


async def _anonymous_statuses(app: FastAPI, paths: tuple[str, ...]) -> dict[str, int]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://doctor.invalid") as client:
        return {path: (await client.get(path)).status_code for path in paths}


def https(app: FastAPI, settings: Settings) -> list[Check]:
    checks = []
    title = "公开地址 ZHILI_PUBLIC_BASE_URL 使用 HTTPS"
    if settings.public_base_url.startswith("https://"):
        checks.append(ok("https", title, settings.public_base_url))
    else:
        checks.append(failed("https", title, f"{settings.public_base_url}（发给市民的链接须为 https://）"))
    title = "会话 Cookie 仅经 HTTPS 发送（Secure）"
    secure = any(
        m.cls is SessionMiddleware and m.kwargs.get("https_only") is True for m in app.user_middleware
    )
    if secure:
        checks.append(ok("cookie", title, "已启用"))
    else:
        checks.append(failed("cookie", title, "未启用；生产环境须设置 ZHILI_ENVIRONMENT=production"))
    return checks
