"""Work that runs once the answer has gone out: ``after_response(request, callback)``.

For bookkeeping a request must not wait for, and must not fail for, such as stamping when an API key
was last used. The middleware runs the callbacks in the thread pool after the whole response has been
sent, whatever its status; a failing callback is logged and never reaches the client.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import anyio.to_thread
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

SCOPE_KEY = "zhili.after_response"
log = logging.getLogger(__name__)


def after_response(request: Request, callback: Callable[[], object]) -> None:
    """Run ``callback`` after the response; at once when the app runs without the middleware."""
    pending = request.scope.get(SCOPE_KEY)
    if pending is None:
        callback()
        return
    pending.append(callback)


class AfterResponse:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        pending: list[Callable[[], object]] = []
        scope[SCOPE_KEY] = pending
        try:
            await self.app(scope, receive, send)
        finally:
            for callback in pending:
                try:
                    await anyio.to_thread.run_sync(callback)
                except Exception as exc:  # bookkeeping never fails an answer already sent
                    log.warning("after-response work failed: %s", type(exc).__name__)
