"""Named permissions, and the one family of FastAPI dependencies made from them.

A domain's ``policy.py`` says who may do what there, as plain predicates over the acting user::

    @permission("受理诉求")
    def can_take_intake(actor: Actor) -> bool:
        return actor.role in INTAKE_ROLES

    IntakeActor = Annotated[Actor, can_take_intake.depends]

JSON routes, pages, Open311 and services all ask the same ``Permission``: routes take the actor
through ``.depends`` (401 when nobody is signed in, 403 with the permission's name otherwise),
services call ``.require(actor)``, and templates ask ``permission(actor)``. Every route names one
permission, so ``route_permissions(app)`` can list who may call what.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.routing import iter_route_contexts

from zhili.auth.deps import CurrentActor
from zhili.auth.scope import ANONYMOUS, Actor
from zhili.errors import Forbidden, NotAuthenticated, PasswordChangeRequired

MARK = "__zhili_permission__"
F = TypeVar("F", bound=Callable[..., Any])


class Permission:
    """A named predicate over the actor. Calling it answers the question; ``require`` enforces it."""

    def __init__(
        self,
        check: Callable[[Actor], bool],
        label: str,
        *,
        public: bool = False,
        before_password_change: bool = False,
    ) -> None:
        self.check = check
        self.label = label
        self.public = public
        self.before_password_change = before_password_change
        module = check.__module__.removeprefix("zhili.").removesuffix(".policy")
        self.name = f"{module}.{check.__name__}"
        self.__doc__ = check.__doc__
        self.depends: Any = Depends(self._dependency())

    def __call__(self, actor: Actor) -> bool:
        return self.public or (not actor.is_anonymous and self.check(actor))

    def __repr__(self) -> str:
        return f"Permission({self.name!r}, {self.label!r})"

    def require(self, actor: Actor, *, page: bool = False) -> Actor:
        """The actor, if allowed; otherwise the error every surface renders its own way."""
        if self.public:
            return actor
        if actor.is_anonymous:
            raise NotAuthenticated("请先登录")
        if actor.must_change_password and not self.before_password_change:
            raise PasswordChangeRequired("请先修改初始密码，再继续操作")
        if not self.check(actor):
            if page:
                raise Forbidden(f"当前角色无权访问此页面：{actor.role_label}不具备“{self.label}”权限")
            raise Forbidden(f"当前角色（{actor.role_label}）无权{self.label}")
        return actor

    def marks(self, dependency: F) -> F:
        """Declare that a surface's own dependency enforces this permission (Open311's ``api_key``)."""
        setattr(dependency, MARK, self)
        return dependency

    def _dependency(self) -> Callable[..., Awaitable[Actor]]:
        # async: FastAPI runs a plain ``def`` dependency in its thread pool, one hand-off per request
        # for a check that reads only the actor (and the health check's ANONYMOUS).
        if self.public:
            # Public routes neither read the session nor touch the database for it (/healthz).
            async def dependency() -> Actor:
                return ANONYMOUS

        else:

            async def dependency(request: Request, actor: CurrentActor) -> Actor:  # type: ignore[misc]
                page = request.method == "GET" and not request.url.path.startswith("/api/")
                return self.require(actor, page=page)

        dependency.__name__ = f"require_{self.check.__name__}"
        setattr(dependency, MARK, self)
        return dependency


def permission(
    label: str, *, public: bool = False, before_password_change: bool = False
) -> Callable[[Callable[[Actor], bool]], Permission]:
    """Make a predicate over the actor a named permission (``label`` is its Chinese name)."""

    def wrap(check: Callable[[Actor], bool]) -> Permission:
        return Permission(check, label, public=public, before_password_change=before_password_change)

    return wrap


@dataclass(frozen=True)
class RoutePermission:
    methods: tuple[str, ...]
    path: str
    permission: Permission | None
    in_schema: bool


def route_permissions(app: FastAPI) -> Iterator[RoutePermission]:
    """Every HTTP route of ``app`` with the permission its dependencies enforce (None: none)."""
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None or not route.methods:
            continue
        found = _find(dependant)
        yield RoutePermission(
            methods=tuple(sorted(route.methods - {"HEAD"}) or sorted(route.methods)),
            path=str(route.path),
            permission=found,
            in_schema=bool(getattr(route, "include_in_schema", False)),
        )


def _find(dependant: Any) -> Permission | None:
    """The permission a route enforces: a route-level one wins over a router's ``anyone``."""
    found = list(_marks(dependant))
    return next((p for p in found if not p.public), found[0] if found else None)


def _marks(dependant: Any) -> Iterator[Permission]:
    for sub in dependant.dependencies:
        mark = getattr(sub.call, MARK, None)
        if isinstance(mark, Permission):
            yield mark
        yield from _marks(sub)
