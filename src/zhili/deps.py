"""FastAPI dependencies shared by every surface: the request's session and the acting user.

The request owns the transaction: the session commits when the route returns (before the response is
sent) and rolls back on any error. Routes and services only ``flush()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from zhili.auth import service as auth_service
from zhili.auth.models import Role, User
from zhili.auth.scope import ANONYMOUS, Actor
from zhili.db import Database
from zhili.errors import Forbidden, NotAuthenticated
from zhili.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_KEY_HEADER = "X-API-Key"


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


def _session(request: Request) -> Iterator[Session]:
    database: Database = request.app.state.db
    session = database.open_session(write=request.method not in SAFE_METHODS)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


DbSession = Annotated[Session, Depends(_session, scope="function")]


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _api_key_from(request: Request) -> str | None:
    header = request.headers.get(API_KEY_HEADER)
    if header:
        return header.strip()
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


def session_user(request: Request, session: Session) -> User | None:
    """The user of the signed session cookie, if it is still valid."""
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if not user_id:
        return None
    user = session.get(User, user_id)
    if user is None or not user.is_active or request.session.get("stamp") != session_stamp(user):
        request.session.clear()
        return None
    return user


def session_stamp(user: User) -> str:
    """Changes when the password changes, which ends every other session of that user."""
    return (user.password_hash or "")[-16:]


def current_actor(request: Request, session: DbSession) -> Actor:
    """The acting user from an API key or the session cookie; anonymous otherwise."""
    key = _api_key_from(request)
    if key:
        actor = auth_service.actor_for_api_key(session, key)
        if actor is None:
            raise NotAuthenticated("API 密钥无效或已吊销")
        request.state.via_api_key = True
        return actor
    user = session_user(request, session)
    if user is None:
        return ANONYMOUS
    return auth_service.actor_for(session, user)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require_login(actor: CurrentActor) -> Actor:
    if actor.is_anonymous:
        raise NotAuthenticated("请先登录")
    return actor


StaffActor = Annotated[Actor, Depends(require_login)]


def require_roles(*roles: Role) -> Callable[[Actor], Actor]:
    """A dependency that lets only the given roles through (admins always pass)."""
    labels = "、".join(role.value for role in roles)

    def check(actor: StaffActor) -> Actor:
        if actor.role != Role.admin and actor.role not in roles:
            raise Forbidden(f"当前角色无权执行此操作（需要：{labels}）")
        return actor

    return check


AdminActor = Annotated[Actor, Depends(require_roles(Role.admin))]
