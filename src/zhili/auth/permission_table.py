"""The table of every route and the permission it requires: served to admins at
``GET /api/permissions`` and written to ``docs/permissions.md`` by ``scripts/permission_table.py``."""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel, Field

from zhili.auth.models import ROLE_LABELS, Role
from zhili.auth.permissions import Permission, route_permissions
from zhili.auth.scope import EVERYTHING, Actor

HEADER = (
    "# 权限表 Permissions\n\n"
    "Every route of zhili and the permission it requires, generated from the code by\n"
    "`.venv/bin/python scripts/permission_table.py` (a test fails when this file is stale). Each\n"
    "permission is a named function in its domain's `policy.py`; `GET /api/permissions` (admin) serves\n"
    "the same table. Roles are those whose accounts pass the check (a jurisdiction still limits what\n"
    "they see: the repositories decide that).\n"
)


class RoutePermissionOut(BaseModel):
    methods: list[str]
    path: str
    permission: str = Field(description="domain.function in the domain's policy.py")
    label: str = Field(description="中文名称")
    public: bool
    roles: list[Role] = Field(description="roles that pass the check (public: everyone)")


def roles_allowed(permission: Permission) -> list[Role]:
    """The roles whose accounts pass ``permission`` (probed with a city-wide jurisdiction)."""
    if permission.public:
        return list(Role)
    probes = (Actor(user_id=0, username="probe", role=role, unit_id=0, scope=EVERYTHING) for role in Role)
    return [probe.role for probe in probes if permission.check(probe)]


def rows(app: FastAPI) -> list[RoutePermissionOut]:
    out = []
    for route in route_permissions(app):
        if route.permission is None:
            continue
        out.append(
            RoutePermissionOut(
                methods=list(route.methods),
                path=route.path,
                permission=route.permission.name,
                label=route.permission.label,
                public=route.permission.public,
                roles=roles_allowed(route.permission),
            )
        )
    return sorted(out, key=lambda r: (r.path, r.methods))


def markdown(app: FastAPI) -> str:
    lines = [HEADER, "| route | permission | 权限 | roles |", "|---|---|---|---|"]
    for row in rows(app):
        who = "所有人（公开）" if row.public else "、".join(ROLE_LABELS[r] for r in row.roles)
        route = f"`{' '.join(row.methods)} {row.path}`"
        lines.append(f"| {route} | `{row.permission}` | {row.label} | {who} |")
    return "\n".join(lines) + "\n"
