"""Admin pages for accounts and API keys. One-time passwords and clear keys are shown once, never stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth import repository, service
from zhili.auth.models import ROLE_LABELS, Role, User
from zhili.auth.policy import ASSIGNABLE_ROLES, AccountAdmin
from zhili.deps import DbSession
from zhili.errors import ValidationFailed, ZhiliError
from zhili.units.models import Unit
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)


# Citizens sign themselves up through the public channels; admins create staff and clients.
CREATABLE_ROLES = {role.value: ROLE_LABELS[role] for role in Role if role in ASSIGNABLE_ROLES}
ALL_ROLES = {role.value: ROLE_LABELS[role] for role in Role}
Text = Annotated[str, Form(max_length=256)]
NO_STORE = {"Cache-Control": "no-store"}


def _unit_labels(session: Session, unit_ids: set[int]) -> dict[int, tuple[str, str]]:
    if not unit_ids:
        return {}
    rows = session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(unit_ids))).all()
    return {unit_id: (code, name) for unit_id, code, name in rows}


def _users_page(
    request: Request,
    session: Session,
    *,
    role: str = "",
    q: str = "",
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    role = role if role in ALL_ROLES else ""
    users = repository.list_users(session, role=Role(role) if role else None, q=q or None)
    units = _unit_labels(session, {user.unit_id for user in users if user.unit_id})
    context: dict[str, Any] = {
        "users": users,
        "units": units,
        "roles": CREATABLE_ROLES,
        "all_roles": ALL_ROLES,
        "filters": {"role": role, "q": q},
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "admin/users.html", {**context, "role_labels": ALL_ROLES}, status=status)


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    session: DbSession,
    _admin: AccountAdmin,
    role: Annotated[str, Query(max_length=24)] = "",
    q: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    return _users_page(request, session, role=role, q=q.strip())


def _secret_page(request: Request, title: str, user: User, secret: str, note: str) -> HTMLResponse:
    context = {"title": title, "account": user, "secret": secret, "note": note}
    response = render(request, "admin/secret.html", {**context, "role_labels": ALL_ROLES})
    response.headers.update(NO_STORE)
    return response


@router.post("/admin/users", response_class=HTMLResponse)
def create_user_submit(
    request: Request,
    session: DbSession,
    admin: AccountAdmin,
    username: Text = "",
    display_name: Text = "",
    role: Text = "",
    unit: Text = "",
) -> Response:
    form = {
        "username": username.strip(),
        "display_name": display_name.strip(),
        "role": role,
        "unit": unit.strip(),
    }
    errors: dict[str, str] = {}
    if role not in CREATABLE_ROLES:
        errors["role"] = "请选择角色"
    if len(form["display_name"]) > 64:
        errors["display_name"] = "姓名最多 64 个字符"
    if not errors:
        try:
            with session.begin_nested():
                user, password = service.create_user(
                    session,
                    username=form["username"],
                    role=Role(role),
                    display_name=form["display_name"] or None,
                    unit_code=form["unit"] or None,
                    actor=admin.username,
                )
        except ZhiliError as exc:
            errors.update(exc.form_errors())
    if errors:
        return _users_page(request, session, form=form, errors=errors, status=422)
    return _secret_page(
        request,
        "用户已创建",
        user,
        password or "",
        "请立即把初始密码当面或通过安全渠道交给用户；用户首次登录后须修改密码。",
    )


@router.post("/admin/users/{user_id}/reset", response_class=HTMLResponse)
def reset_password_submit(
    request: Request, user_id: int, session: DbSession, admin: AccountAdmin
) -> Response:
    user = repository.get_user(session, user_id)
    if user.id == admin.user_id:
        raise ValidationFailed("不能在此重置自己的密码，请使用“修改密码”页面")
    password = service.update_user(session, user, actor=admin.username, reset_password=True)
    return _secret_page(
        request,
        "密码已重置",
        user,
        password or "",
        "该用户的其他登录会话已失效；请把新的一次性密码交给用户，用户登录后须修改密码。",
    )


@router.post("/admin/users/{user_id}/active", response_class=HTMLResponse)
def toggle_active_submit(request: Request, user_id: int, session: DbSession, admin: AccountAdmin) -> Response:
    user = repository.get_user(session, user_id)
    if user.id == admin.user_id:
        raise ValidationFailed("不能停用自己的账号")
    service.update_user(session, user, actor=admin.username, is_active=not user.is_active)
    return see_other(request, "/admin/users")


def _keys_page(
    request: Request,
    session: Session,
    user: User,
    *,
    new_key: str | None = None,
    name: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context: dict[str, Any] = {
        "account": user,
        "keys": repository.list_api_keys(session, user.id),
        "new_key": new_key,
        "name": name,
        "errors": errors or {},
    }
    response = render(request, "admin/user_keys.html", {**context, "role_labels": ALL_ROLES}, status=status)
    if new_key:
        response.headers.update(NO_STORE)
    return response


@router.get("/admin/users/{user_id}/keys", response_class=HTMLResponse)
def keys_page(request: Request, user_id: int, session: DbSession, _admin: AccountAdmin) -> HTMLResponse:
    return _keys_page(request, session, repository.get_user(session, user_id))


@router.post("/admin/users/{user_id}/keys", response_class=HTMLResponse)
def issue_key_submit(
    request: Request, user_id: int, session: DbSession, admin: AccountAdmin, name: Text = ""
) -> Response:
    user = repository.get_user(session, user_id)
    if len(name.strip()) > 64:
        return _keys_page(
            request, session, user, name=name, errors={"name": "名称最多 64 个字符"}, status=422
        )
    try:
        with session.begin_nested():
            _, clear = service.issue_api_key(session, user, name, actor=admin.username)
    except ZhiliError as exc:
        return _keys_page(request, session, user, name=name, errors=exc.form_errors(), status=422)
    return _keys_page(request, session, user, new_key=clear)


@router.post("/admin/keys/{key_id}/revoke", response_class=HTMLResponse)
def revoke_key_submit(request: Request, key_id: int, session: DbSession, admin: AccountAdmin) -> Response:
    api_key = service.revoke_api_key(session, key_id, actor=admin.username)
    return see_other(request, f"/admin/users/{api_key.user_id}/keys")
