"""case lists: a unit's assignments in the list's order (case_received_at, one partial index)

The cases a unit is called into (吹哨) were read whole and sorted for every page of its list, which
grows with the unit's history. The case's received_at (it never changes) is kept on each assignment,
and ``ix_case_assignments_unit_recent`` (unit, received_at, case) over the assignments not released
serves a page as one index range.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 00:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = "status <> 'released'"


def upgrade() -> None:
    column = sa.Column("case_received_at", sa.DateTime(timezone=True), nullable=True)
    op.add_column("case_assignments", column)
    op.execute(
        "UPDATE case_assignments SET case_received_at = "
        "(SELECT received_at FROM cases WHERE cases.id = case_assignments.case_id)"
    )
    with op.batch_alter_table("case_assignments") as batch_op:
        batch_op.alter_column("case_received_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    op.create_index(
        "ix_case_assignments_unit_recent",
        "case_assignments",
        ["unit_id", "case_received_at", "case_id"],
        postgresql_where=sa.text(ACTIVE),
        sqlite_where=sa.text(ACTIVE),
    )


def downgrade() -> None:
    op.drop_index("ix_case_assignments_unit_recent", table_name="case_assignments")
    with op.batch_alter_table("case_assignments") as batch_op:
        batch_op.drop_column("case_received_at")
