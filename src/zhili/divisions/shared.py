"""One ``Resolver`` per database and H3 resolution, shared by the whole process: every app on one
database, every intake and every import run. Building one reads every division and parses the district
outlines (about a second for Beijing), which no request or import should pay again.

Divisions change only through ``load_divisions`` (``zhili init``, ``zhili divisions …``), which forgets
the shared resolvers of this process; a server started before such a command in another process
keeps its own until it restarts.
"""

from __future__ import annotations

from sqlalchemy.engine import URL
from sqlalchemy.orm import Session

from zhili.divisions.resolver import Resolver

_RESOLVERS: dict[tuple[URL, int], Resolver] = {}  # a dict's get, set and clear are atomic


def shared_resolver(session: Session, h3_resolution: int) -> Resolver:
    """The resolver of ``session``'s database, built from it on first use."""
    key = (session.get_bind().engine.url, h3_resolution)
    resolver = _RESOLVERS.get(key)
    if resolver is None:
        resolver = Resolver.from_session(session, h3_resolution=h3_resolution)
        # An empty database is not worth remembering: divisions are loaded right after `zhili init`.
        if len(resolver.gazetteer):
            _RESOLVERS[key] = resolver
    return resolver


def forget_resolvers() -> None:
    """After divisions changed: the next use builds each resolver again."""
    _RESOLVERS.clear()
