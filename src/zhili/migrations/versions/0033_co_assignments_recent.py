"""case lists: the cases a unit is called into read through its co-unit assignments only

``ix_case_assignments_unit_recent`` (migration 0030) held every assignment not released, a unit's lead
assignments too. A street office leads most of its street's cases, so its list's branch of the cases it
is called into walked tens of thousands of lead assignments at a Beijing year (20 M cases) looking for
the few that match a state or a category, and that walk grew with the table. A lead assignment not
released always names the case's ``lead_unit_id`` (dispatch sets both; an approved return releases
every assignment and clears the lead), so those cases are read through ``ix_cases_lead_recent``
already. The index now holds the co-unit assignments (吹哨) still at work, and nothing else.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 18:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["unit_id", "case_received_at", "case_id"]
ACTIVE = "status <> 'released'"
CALLED_IN = "role = 'co' AND status <> 'released'"


def upgrade() -> None:
    op.drop_index("ix_case_assignments_unit_recent", table_name="case_assignments")
    _create("ix_case_assignments_co_recent", CALLED_IN)


def downgrade() -> None:
    op.drop_index("ix_case_assignments_co_recent", table_name="case_assignments")
    _create("ix_case_assignments_unit_recent", ACTIVE)


def _create(name: str, where: str) -> None:
    """A partial index of a unit's assignments in the case list's order."""
    op.create_index(
        name,
        "case_assignments",
        COLUMNS,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(where),
    )
