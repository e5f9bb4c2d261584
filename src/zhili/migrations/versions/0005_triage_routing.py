"""triage: routing rules, recommendations, duplicates

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "routing_rules",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("category_prefix", sa.String(length=16), nullable=True),
        sa.Column("division_prefix", sa.String(length=12), nullable=True),
        sa.Column("demand_type", sa.String(length=16), nullable=True),
        sa.Column("lead_unit_code", sa.String(length=32), nullable=True),
        sa.Column("lead_unit_type", sa.String(length=32), nullable=True),
        sa.Column("co_unit_codes", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), server_default="1", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_rules")),
    )
    op.create_index(op.f("ix_routing_rules_category_prefix"), "routing_rules", ["category_prefix"])
    op.create_table(
        "triage_recommendations",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("model_version", sa.String(length=40), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=True),
        sa.Column("demand_types", sa.Text(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("lead_unit_code", sa.String(length=32), nullable=True),
        sa.Column("co_unit_codes", sa.Text(), nullable=False),
        sa.Column("dispatch_mode", sa.String(length=16), nullable=False),
        sa.Column("matched_rules", sa.Text(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("duplicates", sa.Text(), nullable=False),
        sa.Column("knowledge", sa.Text(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_triage_recommendations_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_recommendations")),
        sa.UniqueConstraint("case_id", name=op.f("uq_triage_recommendations_case_id")),
    )
    op.create_index("ix_triage_recommendations_queue", "triage_recommendations", ["needs_review", "status"])
    op.create_table(
        "triage_overrides",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("suggested_category", sa.String(length=16), nullable=True),
        sa.Column("suggested_lead_unit", sa.String(length=32), nullable=True),
        sa.Column("category_code", sa.String(length=16), nullable=True),
        sa.Column("lead_unit_code", sa.String(length=32), nullable=False),
        sa.Column("co_unit_codes", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_triage_overrides_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["triage_recommendations.id"],
            name=op.f("fk_triage_overrides_recommendation_id_triage_recommendations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_overrides")),
    )
    op.create_index(op.f("ix_triage_overrides_case_id"), "triage_overrides", ["case_id"])
    op.create_table(
        "triage_fingerprints",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("h3_cell", sa.String(length=16), nullable=True),
        sa.Column("community_code", sa.String(length=12), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_triage_fingerprints_case_id_cases"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_triage_fingerprints")),
    )
    op.create_index("ix_triage_fingerprints_cell_time", "triage_fingerprints", ["h3_cell", "received_at"])
    op.create_index(
        "ix_triage_fingerprints_community_time", "triage_fingerprints", ["community_code", "received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_triage_fingerprints_community_time", table_name="triage_fingerprints")
    op.drop_index("ix_triage_fingerprints_cell_time", table_name="triage_fingerprints")
    op.drop_table("triage_fingerprints")
    op.drop_index(op.f("ix_triage_overrides_case_id"), table_name="triage_overrides")
    op.drop_table("triage_overrides")
    op.drop_index("ix_triage_recommendations_queue", table_name="triage_recommendations")
    op.drop_table("triage_recommendations")
    op.drop_index(op.f("ix_routing_rules_category_prefix"), table_name="routing_rules")
    op.drop_table("routing_rules")
