"""Login, logout and password pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from zhili.auth import repository, service
from zhili.auth.api import end_session, sign_in, start_session
from zhili.auth.deps import CurrentActor
from zhili.auth.policy import SignedIn, anyone
from zhili.deps import DbSession
from zhili.errors import NotAuthenticated, TooManyAttempts, ValidationFailed
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)
PUBLIC = [anyone.depends]


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect after login would help phishing."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse, dependencies=PUBLIC)
def login_page(request: Request, actor: CurrentActor, next: str = "/") -> Response:
    if not actor.is_anonymous:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": _safe_next(next)})


@router.post("/login", response_class=HTMLResponse, dependencies=PUBLIC)
def login_submit(
    request: Request,
    session: DbSession,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        user = sign_in(request, session, username.strip(), password)
    except (NotAuthenticated, TooManyAttempts) as exc:
        context = {"error": exc.message, "username": username, "next": _safe_next(next)}
        return render(request, "auth/login.html", context, status=exc.status)
    start_session(request, session, user)
    target = "/account/password" if user.must_change_password else _safe_next(next)
    return RedirectResponse(target, status_code=303)


@router.post("/logout", dependencies=PUBLIC)
def logout(request: Request, session: DbSession) -> RedirectResponse:
    end_session(request, session)
    return RedirectResponse("/", status_code=303)


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, actor: SignedIn) -> HTMLResponse:
    return render(request, "auth/password.html", {"forced": actor.must_change_password})


@router.post("/account/password", response_class=HTMLResponse)
def password_submit(
    request: Request,
    session: DbSession,
    actor: SignedIn,
    old_password: Annotated[str, Form(max_length=256)],
    new_password: Annotated[str, Form(max_length=256)],
) -> Response:
    account = repository.get_user(session, actor.user_id or 0)
    try:
        service.change_password(session, account, old_password, new_password)
    except (NotAuthenticated, ValidationFailed) as exc:
        context = {"error": exc.message, "forced": account.must_change_password}
        return render(request, "auth/password.html", context, status=exc.status)
    start_session(request, session, account)  # every session of the user ended with the old password
    return RedirectResponse("/", status_code=303)
