"""divisions: resident population per division and year

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 14:00:00

Schema only: the shipped census figures are loaded by ``zhili init`` (after the divisions they belong
to), so this migration needs no data and imports nothing of the application.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "division_populations",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("residents", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["division_code"],
            ["divisions.code"],
            name=op.f("fk_division_populations_division_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_division_populations")),
        sa.UniqueConstraint("division_code", "year", name=op.f("uq_division_populations_division_code")),
    )


def downgrade() -> None:
    op.drop_table("division_populations")
