"""community: volunteers, activities and service records

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_activities",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=128), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_community_activities_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_activities")),
    )
    op.create_index(
        op.f("ix_community_activities_community_code"),
        "community_activities",
        ["community_code"],
        unique=False,
    )
    op.create_table(
        "community_volunteers",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("name_enc", sa.String(length=255), nullable=False),
        sa.Column("phone_enc", sa.String(length=255), nullable=False),
        sa.Column("phone_digest", sa.String(length=40), nullable=False),
        sa.Column("service_minutes", sa.Integer(), nullable=False),
        sa.Column("stars", sa.Integer(), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_community_volunteers_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_volunteers")),
        sa.UniqueConstraint("phone_digest", name=op.f("uq_community_volunteers_phone_digest")),
    )
    op.create_index(
        op.f("ix_community_volunteers_community_code"),
        "community_volunteers",
        ["community_code"],
        unique=False,
    )
    op.create_table(
        "community_service_records",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("signed_in_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["community_activities.id"],
            name=op.f("fk_community_service_records_activity_id_community_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["community_volunteers.id"],
            name=op.f("fk_community_service_records_volunteer_id_community_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_service_records")),
    )
    op.create_index(
        op.f("ix_community_service_records_activity_id"),
        "community_service_records",
        ["activity_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_community_service_records_volunteer_id"),
        "community_service_records",
        ["volunteer_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_community_service_records_volunteer_id"), table_name="community_service_records")
    op.drop_index(op.f("ix_community_service_records_activity_id"), table_name="community_service_records")
    op.drop_table("community_service_records")
    op.drop_index(op.f("ix_community_volunteers_community_code"), table_name="community_volunteers")
    op.drop_table("community_volunteers")
    op.drop_index(op.f("ix_community_activities_community_code"), table_name="community_activities")
    op.drop_table("community_activities")
