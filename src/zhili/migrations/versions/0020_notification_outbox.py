"""notifications: the outbox of messages to citizens, with retries and a dead-letter state

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notification_outbox",
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("case_code", sa.String(length=32), nullable=False),
        sa.Column("phone_enc", sa.Text(), nullable=False),
        sa.Column("text_enc", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_outbox")),
    )
    op.create_index(
        "ix_notification_outbox_due", "notification_outbox", ["status", "next_attempt_at"], unique=False
    )
    op.create_index(
        op.f("ix_notification_outbox_case_code"), "notification_outbox", ["case_code"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_notification_outbox_case_code"), table_name="notification_outbox")
    op.drop_index("ix_notification_outbox_due", table_name="notification_outbox")
    op.drop_table("notification_outbox")
