"""open311: tokens and service metadata

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "open311_submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=False),
        sa.Column("service_code", sa.String(length=16), nullable=False),
        sa.Column("address_id", sa.String(length=64), nullable=True),
        sa.Column("media_url", sa.String(length=500), nullable=True),
        sa.Column("attributes", sa.Text(), nullable=False),
        sa.Column("email_enc", sa.Text(), nullable=True),
        sa.Column("account_id_enc", sa.Text(), nullable=True),
        sa.Column("device_id_enc", sa.Text(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_open311_submissions_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_submissions")),
        sa.UniqueConstraint("case_id", name=op.f("uq_open311_submissions_case_id")),
        sa.UniqueConstraint("token", name=op.f("uq_open311_submissions_token")),
    )


def downgrade() -> None:
    op.drop_table("open311_submissions")
