"""JSON routes for signing in and for administering users and API keys."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from zhili.auth import permission_table, repository, service, sessions
from zhili.auth.deps import SESSION_KEY, session_token
from zhili.auth.models import Role, User
from zhili.auth.permission_table import RoutePermissionOut
from zhili.auth.policy import AccountAdmin, Anyone, SignedIn
from zhili.auth.schemas import (
    ApiKeyIn,
    ApiKeyIssued,
    ApiKeyOut,
    LoginIn,
    LoginOut,
    PasswordChangedOut,
    PasswordChangeIn,
    UserCreateIn,
    UserCreateOut,
    UserOut,
    UserUpdateIn,
)
from zhili.csrf import csrf_token
from zhili.deps import DbSession, client_ip
from zhili.errors import NotAuthenticated, TooManyAttempts
from zhili.kernel.ratelimit import limits_for
from zhili.settings import Settings

router = APIRouter(prefix="/api", tags=["auth"])


def login_policy(request: Request) -> service.LoginPolicy:
    settings: Settings = request.app.state.settings
    return service.LoginPolicy(
        free_failures=settings.login_max_failures,
        max_wait_seconds=settings.login_backoff_max_seconds,
        limits=limits_for(request.app),
        address_failures=settings.login_address_failures,
    )


def start_session(request: Request, session: Session, user: User) -> str:
    """A new server-side session in a fresh cookie; returns its CSRF token."""
    settings: Settings = request.app.state.settings
    token = sessions.start(session, user, timedelta(hours=settings.session_max_age_hours))
    request.session.clear()
    request.session[SESSION_KEY] = token
    return csrf_token(request)


def end_session(request: Request, session: Session) -> None:
    token = session_token(request)
    if token is not None:
        sessions.end(session, token)
    request.session.clear()


def sign_in(request: Request, session: DbSession, username: str, password: str) -> User:
    """Authenticate; a failure is committed (so it counts and is audited) before the error is raised."""
    try:
        return service.authenticate(session, username, password, client_ip(request), login_policy(request))
    except (NotAuthenticated, TooManyAttempts):
        session.commit()
        raise


@router.post("/auth/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, session: DbSession, _: Anyone) -> LoginOut:
    user = sign_in(request, session, body.username, body.password)
    token = start_session(request, session, user)
    return LoginOut(user=UserOut.model_validate(user), csrf_token=token)


@router.post("/auth/logout")
def logout(request: Request, session: DbSession, _: Anyone) -> dict[str, bool]:
    """Ends this session on the server: the cookie no longer signs anyone in, even a copy of it."""
    end_session(request, session)
    return {"ok": True}


@router.get("/auth/me", response_model=UserOut)
def me(actor: SignedIn, session: DbSession) -> UserOut:
    return UserOut.model_validate(repository.get_user(session, actor.user_id or 0))


@router.post("/auth/password", response_model=PasswordChangedOut)
def change_password(
    body: PasswordChangeIn, request: Request, actor: SignedIn, session: DbSession
) -> PasswordChangedOut:
    """Every session of the user ends with the old password; this one goes on in a new session,
    whose CSRF token the answer carries."""
    user = repository.get_user(session, actor.user_id or 0)
    service.change_password(session, user, body.old_password, body.new_password)
    return PasswordChangedOut(ok=True, csrf_token=start_session(request, session, user))


@router.get("/permissions", response_model=list[RoutePermissionOut])
def list_permissions(_admin: AccountAdmin, request: Request) -> list[RoutePermissionOut]:
    """Every route and the permission it requires (the table in docs/permissions.md)."""
    return permission_table.rows(request.app)


@router.get("/users", response_model=list[UserOut])
def list_users(
    _admin: AccountAdmin,
    session: DbSession,
    role: Role | None = None,
    unit_id: int | None = None,
    q: str | None = None,
) -> list[UserOut]:
    return [
        UserOut.model_validate(u) for u in repository.list_users(session, role=role, unit_id=unit_id, q=q)
    ]


@router.post("/users", response_model=UserCreateOut, status_code=201)
def create_user(body: UserCreateIn, admin: AccountAdmin, session: DbSession) -> UserCreateOut:
    user, generated = service.create_user(
        session,
        username=body.username,
        role=body.role,
        display_name=body.display_name,
        unit_code=body.unit_code,
        password=body.password,
        actor=admin.username,
    )
    return UserCreateOut(user=UserOut.model_validate(user), one_time_password=generated)


@router.patch("/users/{user_id}", response_model=UserCreateOut)
def update_user(user_id: int, body: UserUpdateIn, admin: AccountAdmin, session: DbSession) -> UserCreateOut:
    user = repository.get_user(session, user_id)
    generated = service.update_user(
        session,
        user,
        actor=admin.username,
        display_name=body.display_name,
        role=body.role,
        unit_code=body.unit_code,
        is_active=body.is_active,
        reset_password=body.reset_password,
    )
    return UserCreateOut(user=UserOut.model_validate(user), one_time_password=generated)


@router.get("/api-keys", response_model=list[ApiKeyOut])
def list_api_keys(_admin: AccountAdmin, session: DbSession, user_id: int | None = None) -> list[ApiKeyOut]:
    return [ApiKeyOut.model_validate(k) for k in repository.list_api_keys(session, user_id)]


@router.post("/users/{user_id}/api-keys", response_model=ApiKeyIssued, status_code=201)
def issue_api_key(user_id: int, body: ApiKeyIn, admin: AccountAdmin, session: DbSession) -> ApiKeyIssued:
    user = repository.get_user(session, user_id)
    api_key, clear = service.issue_api_key(session, user, body.name, actor=admin.username)
    return ApiKeyIssued(api_key=ApiKeyOut.model_validate(api_key), key=clear)


@router.delete("/api-keys/{key_id}", response_model=ApiKeyOut)
def revoke_api_key(key_id: int, admin: AccountAdmin, session: DbSession) -> ApiKeyOut:
    return ApiKeyOut.model_validate(service.revoke_api_key(session, key_id, actor=admin.username))
