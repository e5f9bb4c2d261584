"""analytics: 每月一题 topics and their cases, 未诉先办 warnings, proactive tasks

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "analytics_topics",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=False),
        sa.Column("area_code", sa.String(length=12), nullable=False),
        sa.Column("keyword", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("metrics", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("chosen_by", sa.String(length=64), nullable=False),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_topics")),
        sa.UniqueConstraint(
            "month", "category_code", "area_code", "keyword",
            name=op.f("uq_analytics_topics_month_category_code_area_code_keyword"),
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_analytics_topics_month"), "analytics_topics", ["month"])
    op.create_table(
        "analytics_topic_cases",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_analytics_topic_cases_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["analytics_topics.id"],
            name=op.f("fk_analytics_topic_cases_topic_id_analytics_topics"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_topic_cases")),
        sa.UniqueConstraint("topic_id", "case_id", name=op.f("uq_analytics_topic_cases_topic_id_case_id")),
    )  # fmt: skip
    op.create_index(op.f("ix_analytics_topic_cases_topic_id"), "analytics_topic_cases", ["topic_id"])
    op.create_index(op.f("ix_analytics_topic_cases_case_id"), "analytics_topic_cases", ["case_id"])
    op.create_table(
        "analytics_warnings",
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("observed", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("q_value", sa.Float(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_warnings")),
        sa.UniqueConstraint(
            "street_code", "category_code", "window_end",
            name=op.f("uq_analytics_warnings_street_code_category_code_window_end"),
        ),
    )  # fmt: skip
    op.create_index(op.f("ix_analytics_warnings_street_code"), "analytics_warnings", ["street_code"])
    op.create_table(
        "analytics_tasks",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("warning_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"], ["analytics_topics.id"],
            name=op.f("fk_analytics_tasks_topic_id_analytics_topics"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"], ["analytics_warnings.id"],
            name=op.f("fk_analytics_tasks_warning_id_analytics_warnings"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_analytics_tasks_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_tasks")),
    )  # fmt: skip
    op.create_index(op.f("ix_analytics_tasks_topic_id"), "analytics_tasks", ["topic_id"])
    op.create_index(op.f("ix_analytics_tasks_warning_id"), "analytics_tasks", ["warning_id"])
    op.create_index("ix_analytics_tasks_unit_status", "analytics_tasks", ["unit_id", "status"])


def downgrade() -> None:
    op.drop_table("analytics_tasks")
    op.drop_table("analytics_warnings")
    op.drop_table("analytics_topic_cases")
    op.drop_table("analytics_topics")
