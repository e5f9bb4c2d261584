"""mediation rounds: 矛盾纠纷排查 rounds per community and their findings; a dispute's 具体地点

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-06 20:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("neighbour", "family", "property_service", "labour", "consumer", "land_housing", "other")


def upgrade() -> None:
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=200), nullable=True))

    op.create_table(
        "mediation_check_rounds",
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("checkers", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_check_rounds")),
    )
    with op.batch_alter_table("mediation_check_rounds", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediation_check_rounds_checked_on"), ["checked_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mediation_check_rounds_division_code"), ["division_code"], unique=False
        )

    op.create_table(
        "mediation_check_findings",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="disputekind", native_enum=False, length=24), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("dispute_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dispute_id"],
            ["disputes.id"],
            name=op.f("fk_mediation_check_findings_dispute_id_disputes"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["mediation_check_rounds.id"],
            name=op.f("fk_mediation_check_findings_round_id_mediation_check_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediation_check_findings")),
        sa.UniqueConstraint("round_id", "position", name=op.f("uq_mediation_check_findings_round_id")),
    )
    with op.batch_alter_table("mediation_check_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mediation_check_findings_dispute_id"), ["dispute_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mediation_check_findings_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mediation_check_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_check_findings_round_id"))
        batch_op.drop_index(batch_op.f("ix_mediation_check_findings_dispute_id"))
    op.drop_table("mediation_check_findings")
    with op.batch_alter_table("mediation_check_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mediation_check_rounds_division_code"))
        batch_op.drop_index(batch_op.f("ix_mediation_check_rounds_checked_on"))
    op.drop_table("mediation_check_rounds")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_column("place")
