"""assessment: appeals, rule sets, published league tables

Also two covering indexes for the monthly assessment: the cases of each lead unit by state, closure
kind and closed time (with the columns the three rates read), and the co-unit calls by 报到 deadline.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CASES_ASSESSMENT_COLUMNS = [
    "lead_unit_id",
    "state",
    "closure_kind",
    "closed_at",
    "contacted_at",
    "contact_due",
    "visit_solved",
    "satisfaction",
    "reopen_count",
    "received_at",
]
CO_ASSIGNMENT_COLUMNS = ["role", "checkin_due", "unit_id", "checked_in_at", "status", "case_id"]


def upgrade() -> None:
    op.create_table(
        "assessment_rule_sets",
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_rule_sets")),
    )
    op.create_table(
        "assessment_runs",
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("monthly", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.Column("rule_set_id", sa.Integer(), nullable=True),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.String(length=64), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_set_id"],
            ["assessment_rule_sets.id"],
            name=op.f("fk_assessment_runs_rule_set_id_assessment_rule_sets"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_runs")),
        sa.UniqueConstraint(
            "period_start", "period_end", "version", name=op.f("uq_assessment_runs_period_start")
        ),
    )
    op.create_index(op.f("ix_assessment_runs_label"), "assessment_runs", ["label"], unique=False)
    op.create_table(
        "assessment_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("unit_name", sa.String(length=128), nullable=False),
        sa.Column(
            "league",
            sa.Enum(
                "street",
                "district_dept",
                "city_dept",
                "enterprise",
                name="league",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("response_ok", sa.Integer(), nullable=False),
        sa.Column("response_total", sa.Integer(), nullable=False),
        sa.Column("solved", sa.Integer(), nullable=False),
        sa.Column("resolution_total", sa.Integer(), nullable=False),
        sa.Column("satisfied", sa.Integer(), nullable=False),
        sa.Column("basically_satisfied", sa.Integer(), nullable=False),
        sa.Column("satisfaction_total", sa.Integer(), nullable=False),
        sa.Column("checkin_ok", sa.Integer(), nullable=False),
        sa.Column("checkin_total", sa.Integer(), nullable=False),
        sa.Column("response_rate", sa.Float(), nullable=True),
        sa.Column("resolution_rate", sa.Float(), nullable=True),
        sa.Column("satisfaction_rate", sa.Float(), nullable=True),
        sa.Column("checkin_rate", sa.Float(), nullable=True),
        sa.Column("composite", sa.Float(), nullable=True),
        sa.Column("previous_rank", sa.Integer(), nullable=True),
        sa.Column("previous_composite", sa.Float(), nullable=True),
        sa.Column("rank_change", sa.Integer(), nullable=True),
        sa.Column("composite_change", sa.Float(), nullable=True),
        sa.Column("focus", sa.Boolean(), nullable=False),
        sa.Column("excluded_by_appeal", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_runs.id"],
            name=op.f("fk_assessment_results_run_id_assessment_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_assessment_results_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_results")),
        sa.UniqueConstraint("run_id", "unit_id", name=op.f("uq_assessment_results_run_id")),
    )
    op.create_index(op.f("ix_assessment_results_run_id"), "assessment_results", ["run_id"], unique=False)
    op.create_index(
        "ix_assessment_results_unit_run", "assessment_results", ["unit_id", "run_id"], unique=False
    )
    op.create_table(
        "assessment_appeals",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "rejected", name="appealstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_assessment_appeals_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_assessment_appeals_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_appeals")),
        sa.UniqueConstraint("case_id", "unit_id", name=op.f("uq_assessment_appeals_case_id")),
    )
    op.create_index(op.f("ix_assessment_appeals_case_id"), "assessment_appeals", ["case_id"], unique=False)
    op.create_index(
        "ix_assessment_appeals_status_unit", "assessment_appeals", ["status", "unit_id"], unique=False
    )
    # Covering indexes for the monthly GROUP BY (read in unit order, one range per unit).
    op.create_index("ix_cases_assessment", "cases", CASES_ASSESSMENT_COLUMNS, unique=False)
    op.create_index(
        "ix_case_assignments_role_checkin", "case_assignments", CO_ASSIGNMENT_COLUMNS, unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_case_assignments_role_checkin", table_name="case_assignments")
    op.drop_index("ix_cases_assessment", table_name="cases")
    op.drop_index("ix_assessment_appeals_status_unit", table_name="assessment_appeals")
    op.drop_index(op.f("ix_assessment_appeals_case_id"), table_name="assessment_appeals")
    op.drop_table("assessment_appeals")
    op.drop_index("ix_assessment_results_unit_run", table_name="assessment_results")
    op.drop_index(op.f("ix_assessment_results_run_id"), table_name="assessment_results")
    op.drop_table("assessment_results")
    op.drop_index(op.f("ix_assessment_runs_label"), table_name="assessment_runs")
    op.drop_table("assessment_runs")
    op.drop_table("assessment_rule_sets")
