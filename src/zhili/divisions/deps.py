"""The shared ``Resolver``: built on first use from the request's session, kept per database URL for
the whole process (every app on one database shares it), and rebuilt after ``reset_resolver`` (for
example once divisions were imported)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.deps import DbSession
from zhili.divisions.resolver import DEFAULT_H3_RESOLUTION, Resolver

_RESOLVERS: dict[tuple[str, int], Resolver] = {}


def get_resolver(request: Request, session: DbSession) -> Resolver:
    state = request.app.state
    database = getattr(state, "db", None)
    settings = getattr(state, "settings", None)
    key = (
        str(getattr(database, "url", "default")),
        getattr(settings, "h3_resolution", DEFAULT_H3_RESOLUTION),
    )
    resolver = _RESOLVERS.get(key)
    if resolver is None:
        resolver = Resolver.from_session(session, h3_resolution=key[1])
        # An empty database is not worth remembering: divisions are loaded right after `zhili init`.
        if len(resolver.gazetteer):
            _RESOLVERS[key] = resolver
    return resolver


DivisionResolver = Annotated[Resolver, Depends(get_resolver)]
