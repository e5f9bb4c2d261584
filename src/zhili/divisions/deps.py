"""The app's shared ``Resolver``: built on first use from the request's session, kept on app state
per database, and rebuilt after ``reset_resolver`` (for example once divisions were imported)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from starlette.datastructures import State

from zhili.deps import DbSession
from zhili.divisions.resolver import DEFAULT_H3_RESOLUTION, Resolver

STATE_KEY = "division_resolvers"


def _cache(state: State) -> dict[str, Resolver]:
    cache: dict[str, Resolver] | None = getattr(state, STATE_KEY, None)
    if cache is None:
        cache = {}
        setattr(state, STATE_KEY, cache)
    return cache


def get_resolver(request: Request, session: DbSession) -> Resolver:
    state = request.app.state
    database = getattr(state, "db", None)
    key = str(getattr(database, "url", "default"))
    cache = _cache(state)
    resolver = cache.get(key)
    if resolver is None:
        settings = getattr(state, "settings", None)
        resolution = getattr(settings, "h3_resolution", DEFAULT_H3_RESOLUTION)
        resolver = Resolver.from_session(session, h3_resolution=resolution)
        # An empty database is not worth remembering: divisions are loaded right after `zhili init`.
        if len(resolver.gazetteer):
            cache[key] = resolver
    return resolver


def reset_resolver(app: FastAPI) -> None:
    """Forget the cached resolvers, so the next request reads the divisions again."""
    setattr(app.state, STATE_KEY, {})


DivisionResolver = Annotated[Resolver, Depends(get_resolver)]
