"""Who may write community data, and where: the checks every community service shares."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.models import Role
from zhili.auth.scope import Actor, readable
from zhili.divisions.models import Division, DivisionLevel
from zhili.errors import Forbidden, ValidationFailed

# Roles that keep community data; admins always may. The actor's jurisdiction still applies.
COMMUNITY_ROLES = (Role.community_worker, Role.unit_staff, Role.grid_worker)


def is_urban_community(code: str) -> bool:
    """Statistical codes number 居委会 (urban communities) 001-199 and 村委会 (villages) 200-399."""
    return len(code) == 12 and int(code[-3:]) < 200


def division_at(session: Session, code: str, level: DivisionLevel, *, field: str) -> Division:
    label = {DivisionLevel.community: "社区", DivisionLevel.street: "街道/乡镇"}.get(level, "行政区划")
    row = session.execute(select(Division).where(Division.code == code)).scalar_one_or_none()
    if row is None or row.level != level:
        raise ValidationFailed(f"未知的{label}编码：{code}", field=field)
    return row


def check_writable(actor: Actor, code: str) -> None:
    if actor.role != Role.admin and actor.role not in COMMUNITY_ROLES:
        raise Forbidden("当前角色无权维护社区数据")
    if not readable(actor).covers(code):
        raise Forbidden(f"{code} 不在您的辖区内")
