"""sweep indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 21:13:51.368180
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case_assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_case_assignments_status_checkin_due", ["status", "checkin_due"], unique=False
        )

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index("ix_cases_state_contact_due", ["state", "contact_due"], unique=False)
        batch_op.create_index("ix_cases_state_feedback_due", ["state", "feedback_due"], unique=False)
        batch_op.create_index("ix_cases_state_sign_due", ["state", "sign_due"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_state_sign_due")
        batch_op.drop_index("ix_cases_state_feedback_due")
        batch_op.drop_index("ix_cases_state_contact_due")

    with op.batch_alter_table("case_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_case_assignments_status_checkin_due")
