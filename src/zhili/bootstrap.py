"""Bring a database to a working state: migrate, load reference data, ensure an admin exists.

Every step is idempotent, so ``zhili init`` is safe to run again after an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili import migrate
from zhili.auth import service as auth_service
from zhili.auth.models import Role, User
from zhili.db import Database
from zhili.divisions.repository import counts_by_level
from zhili.divisions.service import load_beijing, load_shipped_population
from zhili.taxonomy.service import load_default_categories, load_default_policies
from zhili.units.service import load_default_units

ADMIN_USERNAME = "admin"

# Demo staff for the quick start: (username, display name, role, unit code).
DEMO_STAFF: tuple[tuple[str, str, Role, str], ...] = (
    ("operator", "坐席演示账号", Role.operator, "C11"),
    ("dispatcher", "派单演示账号", Role.dispatcher, "C11"),
    ("wangjing", "望京街道演示账号", Role.unit_staff, "S110105026"),
    ("chaoyang", "朝阳区接诉即办中心演示账号", Role.dispatcher, "C110105"),
    ("leader", "市级领导演示账号", Role.supervisor, "C11"),
)


@dataclass
class InitReport:
    divisions_loaded: int = 0
    units_added: int = 0
    new_passwords: dict[str, str] = field(default_factory=dict)
    existing_admin: bool = False


def seed_reference_data(session: Session) -> tuple[int, int]:
    """Load Beijing divisions and their census population, the unit directory, the taxonomy and time
    limits (all idempotent; figures an administrator has corrected are kept).

    Returns how many divisions the database holds and how many units were added now.
    """
    load_beijing(session)
    load_shipped_population(session)
    units = load_default_units(session)
    load_default_categories(session)
    load_default_policies(session)
    return sum(counts_by_level(session).values()), units


def ensure_admin(session: Session, report: InitReport) -> None:
    if session.execute(select(User.id).where(User.role == Role.admin)).first():
        report.existing_admin = True
        return
    _, password = auth_service.create_user(
        session, username=ADMIN_USERNAME, role=Role.admin, display_name="系统管理员", actor="zhili init"
    )
    if password:
        report.new_passwords[ADMIN_USERNAME] = password


def ensure_demo_staff(session: Session, report: InitReport) -> None:
    for username, display_name, role, unit_code in DEMO_STAFF:
        if session.execute(select(User.id).where(User.username == username)).first():
            continue
        _, password = auth_service.create_user(
            session,
            username=username,
            role=role,
            display_name=display_name,
            unit_code=unit_code,
            actor="zhili init",
        )
        if password:
            report.new_passwords[username] = password


def initialise(database: Database, *, demo: bool = False) -> InitReport:
    migrate.upgrade(database.engine)
    report = InitReport()
    with database.session() as session:
        report.divisions_loaded, report.units_added = seed_reference_data(session)
        ensure_admin(session, report)
        if demo:
            ensure_demo_staff(session, report)
    return report
