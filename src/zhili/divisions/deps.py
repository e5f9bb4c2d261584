"""The request's ``Resolver``: the process's shared one for the app's database
(``zhili.divisions.shared``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.deps import DbSession
from zhili.divisions.resolver import DEFAULT_H3_RESOLUTION, Resolver
from zhili.divisions.shared import shared_resolver


def get_resolver(request: Request, session: DbSession) -> Resolver:
    settings = getattr(request.app.state, "settings", None)
    return shared_resolver(session, getattr(settings, "h3_resolution", DEFAULT_H3_RESOLUTION))


DivisionResolver = Annotated[Resolver, Depends(get_resolver)]
