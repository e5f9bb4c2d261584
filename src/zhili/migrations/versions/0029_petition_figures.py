"""petition figures: the petitioner's satisfaction with the 答复 (群众满意率), recorded once

Revision ID: 0029
Revises: 0027_suggestions
Create Date: 2026-12-06 20:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0027_suggestions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("petition_matters") as batch_op:
        batch_op.add_column(sa.Column("satisfaction", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("satisfaction_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("satisfaction_via", sa.String(length=8), nullable=True))
        batch_op.create_index("ix_petition_matters_satisfaction", ["satisfaction"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("petition_matters") as batch_op:
        batch_op.drop_index("ix_petition_matters_satisfaction")
        batch_op.drop_column("satisfaction_via")
        batch_op.drop_column("satisfaction_at")
        batch_op.drop_column("satisfaction")
