"""Bring a database to a working state: migrate, load reference data, ensure an admin exists.

Every step is idempotent, so ``zhili init`` is safe to run again after an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from zhili import migrate
from zhili.audit import service as audit
from zhili.auth import accounts
from zhili.db import Database
from zhili.divisions.repository import counts_by_level
from zhili.divisions.service import load_beijing, load_shipped_population
from zhili.taxonomy.service import load_default_categories, load_default_policies
from zhili.units.service import load_default_units


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


def initialise(database: Database, *, demo: bool = False) -> InitReport:
    migrate.upgrade(database.engine)
    report = InitReport()
    with database.session() as session:
        audit.seal(session)  # entries from before the keyed chain: covered by a keyed one now
        report.divisions_loaded, report.units_added = seed_reference_data(session)
        report.existing_admin, password = accounts.ensure_admin(session)
        if password:
            report.new_passwords[accounts.ADMIN_USERNAME] = password
        if demo:
            report.new_passwords.update(accounts.ensure_demo_staff(session))
    return report
