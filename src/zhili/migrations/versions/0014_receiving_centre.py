"""cases: the receiving centre (受理中心), so that a demand that cannot be located stays in sight

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 10:00:00

A case without a division was readable by nobody but admins. The centre that took it in now keeps
it in its 待定位 queue. Cases already stored without a division are given to the top-level centre
(the city's 12345 centre), so that none stays out of sight.

The column holds a unit id without a foreign key: SQLite can add a named foreign key to ``cases``
only by rebuilding the table, whose events and assignments would cascade. Units are never deleted
(every other reference to them is RESTRICT; a unit is deactivated instead).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_cases_receiving_unit_id"


def upgrade() -> None:
    op.add_column("cases", sa.Column("receiving_unit_id", sa.Integer(), nullable=True))
    op.create_index(INDEX, "cases", ["receiving_unit_id"], unique=False)
    op.execute(
        "UPDATE cases SET receiving_unit_id = (SELECT MIN(id) FROM units "
        "WHERE kind = 'center' AND parent_id IS NULL) WHERE division_code IS NULL"
    )


def downgrade() -> None:
    op.drop_index(INDEX, table_name="cases")
    op.drop_column("cases", "receiving_unit_id")  # SQLite ≥ 3.35 drops a column in place
