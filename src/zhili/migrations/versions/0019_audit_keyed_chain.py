"""audit: the chain's hash becomes keyed (HMAC-SHA256), each entry names its scheme, the head its MAC

Entries already written keep their plain SHA-256 (scheme ``sha256``); ``zhili init`` then appends a
keyed entry that seals them (see docs/audit.md).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheme", sa.String(length=24), server_default="sha256", nullable=False)
        )
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_head", schema=None) as batch_op:
        batch_op.drop_column("mac")
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("scheme")
