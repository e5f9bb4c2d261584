"""Rate limits for public endpoints and sign-in (SPEC M11), kept in a store every server shares.

Counting is done by the ``limits`` library (a moving window per key). Its storage is chosen by
``ZHILI_RATE_LIMIT_STORAGE``: ``memory://`` (the default, one count per process: enough for the
embedded single-server setup) or ``redis://host:6379/0``, shared by every worker and app server, so
a limit tripped on one server holds on all of them and survives a restart of any of them.

Each application opens its own storage on first use (``limits_for(app)``), so two apps in one test
process never share counts unless they are pointed at the same Redis with the same key prefix.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from zhili.errors import TooManyAttempts

DEFAULT_STORAGE = "memory://"
# A shared store that does not answer quickly is treated as down, not waited for.
REDIS_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
OUTAGE_LOG_SECONDS = 60.0
log = logging.getLogger("zhili.ratelimit")


class RateLimited(TooManyAttempts):
    """429 with how long to wait; the seconds go in the body and in a ``Retry-After`` header."""

    def __init__(self, retry_after: float, reason: str = "请求过于频繁") -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"{reason}，请 {wait_label(self.retry_after)}后再试")

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "retry_after": self.retry_after}


def wait_label(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"


@dataclass(frozen=True)
class Limit:
    """At most ``count`` events per key within the last ``seconds``, under the name ``name``."""

    name: str
    count: int
    seconds: int

    @property
    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.count, self.seconds, namespace=self.name)


class RateLimits:
    """One application's limits over one storage (``memory://`` or ``redis://...``)."""

    def __init__(self, storage_uri: str = DEFAULT_STORAGE, key_prefix: str = "zhili") -> None:
        options: dict[str, Any] = {}
        if storage_uri.startswith(("redis://", "rediss://", "redis+")):
            options = {"key_prefix": key_prefix, **REDIS_TIMEOUTS}
        storage = storage_from_string(storage_uri, **options)
        if not isinstance(storage, Storage):
            raise ValueError(f"not a synchronous rate-limit storage: {storage_uri}")
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(self.storage)

        self._last_outage_log = 0.0

    def retry_after(self, limit: Limit, key: str) -> float | None:
        """Seconds until ``key`` may act again, or None when it is under the limit. Records nothing."""
        with self._store_guard():
            if self.strategy.test(limit.item, key):
                return None
            return self._wait(limit, key)
        return None

    def add(self, limit: Limit, key: str) -> None:
        """Count one event for ``key`` (whether or not it is over the limit)."""
        with self._store_guard():
            self.strategy.hit(limit.item, key)

    def hit(self, limit: Limit, key: str) -> float | None:
        """Count one event unless the key is over the limit; returns the wait when it is."""
        with self._store_guard():
            if self.strategy.hit(limit.item, key):
                return None
            return self._wait(limit, key)
        return None

    def clear(self, limit: Limit, key: str) -> None:
        with self._store_guard():
            self.strategy.clear(limit.item, key)

    @contextmanager
    def _store_guard(self) -> Iterator[None]:
        """A store that cannot be reached (Redis down) lets requests through rather than failing
        every public page with a 500; it is logged as an error at most once a minute."""
        try:
            yield
        except Exception as exc:
            now = time.monotonic()
            if now - self._last_outage_log >= OUTAGE_LOG_SECONDS:
                self._last_outage_log = now
                log.error("rate-limit store unavailable (%s): requests are not limited", type(exc).__name__)

    def _wait(self, limit: Limit, key: str) -> float:
        stats = self.strategy.get_window_stats(limit.item, key)
        return max(1.0, stats.reset_time - time.time())


_registry_lock = threading.Lock()


def limits_for(app: Any) -> RateLimits:
    """The application's limits, opened on first use from its settings."""
    with _registry_lock:
        existing: RateLimits | None = getattr(app.state, "rate_limits", None)
        if existing is None:
            settings = app.state.settings
            existing = RateLimits(
                getattr(settings, "rate_limit_storage", DEFAULT_STORAGE) or DEFAULT_STORAGE,
                getattr(settings, "rate_limit_key_prefix", "zhili") or "zhili",
            )
            app.state.rate_limits = existing
        return existing


def peer_address(request: Request) -> str:
    """The client's address: the socket peer, or what a trusted proxy forwarded (``zhili.proxies``)."""
    return request.client.host if request.client else "unknown"


def rate_limit(key: str, per_minute: int) -> Callable[[Request], None]:
    """A dependency allowing each client address ``per_minute`` requests to the routes named ``key``."""
    limit = Limit(f"ip:{key}", per_minute, 60)

    def dependency(request: Request) -> None:
        wait = limits_for(request.app).hit(limit, peer_address(request))
        if wait is not None:
            raise RateLimited(wait)

    return dependency
