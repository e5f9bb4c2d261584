"""Route matching that looks only at the routers a path can belong to.

FastAPI matches a request by walking the app's included routers in order, and the first time a
router is walked in a process it builds every one of its routes (dependencies, body and response
models). With some forty routers and nearly four hundred routes, a request to a router near the end
(调解, 建议, 规划) built the routes of every router before it: about 0.6 s on the first request of each
worker process, and a regex test per route on every later request.

:func:`install` gives each router the literal beginnings of its paths (``/api/mediation/`` of
``/api/mediation/disputes/{code}``): a router whose beginnings the path does not start with is passed
over without being built or tried. The order of matching, and so which route answers, is unchanged,
because a route can only match a path that starts with the literal text before its first parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import _IncludedRouter
from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Mount, Route, WebSocketRoute
from starlette.types import Scope

Matcher = Callable[[Scope], tuple[Match, Scope]]


def literal_start(path: str) -> str:
    """The text of ``path`` before its first parameter (all of it when there is none)."""
    return path.split("{", 1)[0]


def starts(routes: Iterable[BaseRoute], prefix: str) -> set[str] | None:
    """The literal beginnings of every path under ``routes`` (mounted with ``prefix``), or None when
    one of them is of a kind whose paths are not known here (then that router is never gated)."""
    found: set[str] = set()
    for route in routes:
        if isinstance(route, _IncludedRouter):
            inner = starts(route.original_router.routes, prefix + route.include_context.prefix)
            if inner is None:
                return None
            found |= inner
        elif isinstance(route, Route | WebSocketRoute | Mount):
            found.add(literal_start(prefix + route.path))
        else:
            return None
    return found


def _gated(matches: Matcher, beginnings: tuple[str, ...]) -> Matcher:
    def gated(scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] in ("http", "websocket") and not get_route_path(scope).startswith(beginnings):
            return Match.NONE, {}
        return matches(scope)

    return gated


def install(app: FastAPI) -> None:
    """Gate every router included in ``app`` whose paths are all known."""
    for entry in app.router.routes:
        if not isinstance(entry, _IncludedRouter):
            continue
        beginnings = starts(entry.original_router.routes, entry.include_context.prefix)
        if beginnings:
            entry_any: Any = entry
            entry_any.matches = _gated(entry.matches, tuple(sorted(beginnings)))
