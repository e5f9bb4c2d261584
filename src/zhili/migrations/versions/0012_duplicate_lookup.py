"""triage: an index on cases for the duplicate check

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_duplicate_lookup", "cases", ["id", "state", "code", "citizen_phone_digest"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_cases_duplicate_lookup", table_name="cases")
