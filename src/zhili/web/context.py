"""The signed-in user as web pages see it (name, role label, unit name), set on request.state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from zhili.auth.deps import CurrentActor
from zhili.auth.models import ROLE_LABELS, Role
from zhili.auth.scope import Actor
from zhili.deps import DbSession
from zhili.errors import Forbidden, NotAuthenticated, RedirectTo
from zhili.units.models import Unit


@dataclass(frozen=True)
class WebUser:
    actor: Actor
    unit_name: str | None

    @property
    def display_name(self) -> str:
        return self.actor.display_name or self.actor.username

    @property
    def name(self) -> str:
        return self.display_name

    @property
    def role(self) -> Role:
        return self.actor.role

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.actor.role]


def web_user(request: Request, session: DbSession, actor: CurrentActor) -> WebUser | None:
    if actor.is_anonymous:
        request.state.user = None
        return None
    unit_name = session.get(Unit, actor.unit_id).name if actor.unit_id else None  # type: ignore[union-attr]
    user = WebUser(actor=actor, unit_name=unit_name)
    request.state.user = user
    return user


WebUserDep = Annotated[WebUser | None, Depends(web_user)]


PASSWORD_PAGE = "/account/password"


def require_web_user(request: Request, user: WebUserDep) -> WebUser:
    if user is None:
        raise NotAuthenticated("请先登录")
    if user.actor.must_change_password and request.url.path != PASSWORD_PAGE:
        raise RedirectTo(PASSWORD_PAGE)
    return user


SignedInUser = Annotated[WebUser, Depends(require_web_user)]


def require_web_roles(*roles: Role) -> Callable[[WebUser], WebUser]:
    """A page dependency that lets only the given roles through (admins always pass)."""

    def check(user: SignedInUser) -> WebUser:
        if user.role != Role.admin and user.role not in roles:
            raise Forbidden("当前角色无权访问此页面")
        return user

    return check


AdminWebUser = Annotated[WebUser, Depends(require_web_roles(Role.admin))]
