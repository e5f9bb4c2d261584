"""Demo cases for the quick start: a slice of the synthetic year, synced and assessed, so that every
workbench and dashboard has something to show on a fresh machine.

Runs only on a database without cases, so ``zhili init --demo-cases N`` can be repeated safely.
"""

from __future__ import annotations

from sqlalchemy import func, select

from zhili.cases.models import Case
from zhili.db import Database

DEMO_YEAR = 2025
# The last months of the demo year get published league tables.
ASSESSED_MONTHS = ("2025-10", "2025-11", "2025-12")


def has_cases(database: Database) -> bool:
    with database.session(write=False) as session:
        return bool(session.execute(select(func.count()).select_from(Case)).scalar_one())


def seed_demo_cases(count: int) -> None:
    """Draw the city's grid cells and generate ``count`` cases of the demo year into the database (with
    the year's 信访, disputes and suggestions), compare triage's suggestions with how they were
    dispatched (so the override report has figures), sync the analytics store and publish the last
    months' assessment, through the same commands an operator would run."""
    from zhili.analytics.cli import sync_command
    from zhili.assessment.cli import run as assess_run
    from zhili.demo.cli import generate
    from zhili.grid.cli import generate_cells
    from zhili.triage.cli import backfill_command

    generate_cells(district=None, resolution=None)  # the grid map has cells to draw (about 6 s)
    generate(cases=count, year=DEMO_YEAR, seed=1, out=None, into_db=True, store=False, bursts=None)
    backfill_command(limit=None)
    sync_command(settle=0)
    for month in ASSESSED_MONTHS:
        assess_run(month=month, start=None, end=None, note="演示数据", top=0)
