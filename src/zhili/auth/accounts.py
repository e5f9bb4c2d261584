"""The accounts ``zhili init`` makes: the first admin, and the demo staff of the quick start."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth import service
from zhili.auth.models import Role, User

ADMIN_USERNAME = "admin"
INIT_ACTOR = "zhili init"

# Demo staff for the quick start: (username, display name, role, unit code).
DEMO_STAFF: tuple[tuple[str, str, Role, str], ...] = (
    ("operator", "坐席演示账号", Role.operator, "C11"),
    ("dispatcher", "派单演示账号", Role.dispatcher, "C11"),
    ("wangjing", "望京街道演示账号", Role.unit_staff, "S110105026"),
    ("chaoyang", "朝阳区接诉即办中心演示账号", Role.dispatcher, "C110105"),
    ("leader", "市级领导演示账号", Role.supervisor, "C11"),
)


def ensure_admin(session: Session) -> tuple[bool, str | None]:
    """(an admin existed already, the new admin's one-time password)."""
    if session.execute(select(User.id).where(User.role == Role.admin)).first():
        return True, None
    _, password = service.create_user(
        session, username=ADMIN_USERNAME, role=Role.admin, display_name="系统管理员", actor=INIT_ACTOR
    )
    return False, password


def ensure_demo_staff(session: Session) -> dict[str, str]:
    """Create the demo accounts that are missing; their one-time passwords by user name."""
    passwords = {}
    for username, display_name, role, unit_code in DEMO_STAFF:
        if session.execute(select(User.id).where(User.username == username)).first():
            continue
        _, password = service.create_user(
            session, username=username, role=role, display_name=display_name, unit_code=unit_code,
            actor=INIT_ACTOR,
        )  # fmt: skip
        if password:
            passwords[username] = password
    return passwords
