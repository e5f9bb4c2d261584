"""In-process rate limits for public endpoints (SPEC M11): a sliding window per key.

Each application keeps its own limiters on ``app.state``, so two apps in one process (tests) never
share counts. With several server workers each worker counts on its own, which multiplies a limit
by the number of workers at most; that is acceptable for throttling guessing, not for billing.
The client address is the socket peer: run uvicorn with ``--proxy-headers`` behind a trusted proxy.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from typing import Any

from fastapi import Request

from zhili.errors import TooManyAttempts

# Oldest keys are forgotten beyond this many, so a flood of distinct keys cannot exhaust memory.
MAX_KEYS = 100_000


class RateLimited(TooManyAttempts):
    """429 with how long to wait; the seconds go in the body and in a ``Retry-After`` header."""

    def __init__(self, retry_after: float, reason: str = "请求过于频繁") -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"{reason}，请 {_wait_label(self.retry_after)}后再试")

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "retry_after": self.retry_after}


def _wait_label(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} 秒"
    return f"{math.ceil(seconds / 60)} 分钟"


class SlidingWindow:
    """At most ``limit`` events per key within the last ``window`` seconds. Thread-safe."""

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_keys: int = MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        events = self._events.get(key)
        if events is None:
            return None
        cutoff = now - self.window
        while events and events[0] <= cutoff:
            events.popleft()
        if not events:
            del self._events[key]
            return None
        return events

    def retry_after(self, key: str) -> float | None:
        """Seconds until ``key`` may act again, or None when it is under the limit. Records nothing."""
        with self._lock:
            now = self._clock()
            events = self._recent(key, now)
            if events is None or len(events) < self.limit:
                return None
            return events[len(events) - self.limit] + self.window - now

    def add(self, key: str) -> None:
        """Count one event for ``key``."""
        with self._lock:
            now = self._clock()
            self._append(key, self._recent(key, now), now)

    def hit(self, key: str) -> float | None:
        """Count one event unless the key is over the limit; returns the wait when it is."""
        with self._lock:
            now = self._clock()
            events = self._recent(key, now)
            if events is not None and len(events) >= self.limit:
                return events[len(events) - self.limit] + self.window - now
            self._append(key, events, now)
            return None

    def _append(self, key: str, events: deque[float] | None, now: float) -> None:
        if events is None:
            events = self._events[key] = deque()
            while len(self._events) > self.max_keys:
                self._events.popitem(last=False)
        events.append(now)
        self._events.move_to_end(key)


_registry_lock = threading.Lock()


def limiter_for(app: Any, name: str, limit: int, window: float) -> SlidingWindow:
    """The application's limiter called ``name`` (created on first use)."""
    with _registry_lock:
        limiters: dict[tuple[str, int, float], SlidingWindow] | None = getattr(
            app.state, "rate_limiters", None
        )
        if limiters is None:
            limiters = {}
            app.state.rate_limiters = limiters
        key = (name, limit, window)
        limiter = limiters.get(key)
        if limiter is None:
            limiter = limiters[key] = SlidingWindow(limit, window)
        return limiter


def peer_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(key: str, per_minute: int) -> Callable[[Request], None]:
    """A dependency allowing each client address ``per_minute`` requests to the routes named ``key``."""

    def dependency(request: Request) -> None:
        limiter = limiter_for(request.app, f"ip:{key}", per_minute, 60.0)
        wait = limiter.hit(peer_address(request))
        if wait is not None:
            raise RateLimited(wait)

    return dependency
