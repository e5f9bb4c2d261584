"""Who is acting: the owner of an API key, the user of the signed session cookie, or nobody.

``current_actor`` is the one place a request's actor is decided; the permissions of every domain
(``zhili.auth.permissions``) are built on it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from zhili.auth import key_use, sessions
from zhili.auth import service as auth_service
from zhili.auth.models import User
from zhili.auth.scope import ANONYMOUS, Actor
from zhili.deps import DbSession
from zhili.errors import NotAuthenticated

API_KEY_HEADER = "X-API-Key"


def api_key_from(request: Request) -> str | None:
    header = request.headers.get(API_KEY_HEADER)
    if header:
        return header.strip()
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


SESSION_KEY = "sid"


def session_token(request: Request) -> str | None:
    token = request.session.get(SESSION_KEY) if "session" in request.scope else None
    return token if isinstance(token, str) and token else None


def session_user(request: Request, session: Session) -> User | None:
    """The user of the signed session cookie, if the server still holds that session open."""
    token = session_token(request)
    if token is None:
        return None
    user = sessions.user_of(session, token)
    if user is None:
        request.session.clear()
    return user


def current_actor(request: Request, session: DbSession) -> Actor:
    """The acting user from an API key or the session cookie; anonymous otherwise.

    Pages read it back from ``request.state.user`` (None for nobody) to draw the top bar.
    """
    key = api_key_from(request)
    if key:
        actor = auth_service.actor_for_api_key(
            session, key, stamp_later=lambda key_id: key_use.stamp_after_response(request, key_id)
        )
        if actor is None:
            raise NotAuthenticated("API 密钥无效或已吊销")
    else:
        user = session_user(request, session)
        actor = ANONYMOUS if user is None else auth_service.actor_for(session, user)
    request.state.user = None if actor.is_anonymous else actor
    return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]
