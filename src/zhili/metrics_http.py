"""HTTP side of the metrics: each request's latency by route template, and ``GET /metrics``.

The latency label is the route's template (``/api/cases/{code}``), never the raw path, so neither
case codes nor anything a client types ends up in a label; a path no route matches counts as
``unmatched``. ``/metrics`` answers the addresses in ``ZHILI_METRICS_ALLOWED_ADDRESSES`` (localhost by
default) and anyone presenting ``Authorization: Bearer <ZHILI_METRICS_TOKEN>``; others get 403.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from zhili import metrics, readiness
from zhili.auth.policy import can_scrape_metrics
from zhili.errors import Forbidden

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class RequestMetrics:
    """Pure ASGI middleware: observes every HTTP request's duration once the response has started."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            metrics.REQUEST_SECONDS.labels(method, route, str(status)).observe(time.perf_counter() - started)


class StoreAge(Collector):
    """The analytics store's age, read when scraped (-1: never synced)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def collect(self) -> Any:
        age = readiness.store_age_seconds(self.app)
        family = GaugeMetricFamily(
            "zhili_analytics_store_age_seconds",
            "Seconds since the analytics store was last synced (-1: never).",
        )
        family.add_metric([], -1.0 if age is None else age)
        yield family


def _trusted(host: str | None, allowed: list[str]) -> bool:
    if host is None:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


@can_scrape_metrics.marks
def require_scraper(request: Request) -> None:
    settings = request.app.state.settings
    token = settings.metrics_token
    sent = request.headers.get("Authorization", "")
    if token and sent.lower().startswith("bearer ") and hmac.compare_digest(sent[7:].strip(), token):
        return
    if _trusted(request.client.host if request.client else None, settings.metrics_allowed_addresses):
        return
    raise Forbidden("运行指标仅对监控系统开放：请从受信任的地址访问，或出示监控令牌")


router = APIRouter(tags=["health"])


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(require_scraper)])
def scrape(request: Request) -> Response:
    return Response(metrics.exposition([StoreAge(request.app)]), media_type=metrics.CONTENT_TYPE)
