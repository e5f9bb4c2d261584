"""grid: cells, grid workers, patrols, field events, 核查 and the registries

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "grid_cells",
        sa.Column("cell", sa.String(length=16), nullable=False),
        sa.Column("district_code", sa.String(length=12), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=True),
        sa.Column(
            "assigned_by",
            sa.Enum("generated", "manual", name="assignedby", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_grid_cells_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["district_code"],
            ["divisions.code"],
            name=op.f("fk_grid_cells_district_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("cell", name=op.f("pk_grid_cells")),
    )
    op.create_index(op.f("ix_grid_cells_community_code"), "grid_cells", ["community_code"], unique=False)
    op.create_index(op.f("ix_grid_cells_district_code"), "grid_cells", ["district_code"], unique=False)
    op.create_table(
        "grid_organisations",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("cell", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_grid_organisations_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_organisations")),
    )
    op.create_index(op.f("ix_grid_organisations_cell"), "grid_organisations", ["cell"], unique=False)
    op.create_index(
        op.f("ix_grid_organisations_community_code"), "grid_organisations", ["community_code"], unique=False
    )
    op.create_table(
        "grid_person_records",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("group", sa.String(length=32), nullable=False),
        sa.Column("name_enc", sa.String(length=255), nullable=False),
        sa.Column("phone_enc", sa.String(length=255), nullable=True),
        sa.Column("consent", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_grid_person_records_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_person_records")),
    )
    op.create_index(
        op.f("ix_grid_person_records_community_code"), "grid_person_records", ["community_code"], unique=False
    )
    op.create_table(
        "grid_places",
        sa.Column(
            "kind",
            sa.Enum("building", "public_space", name="placekind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("cell", sa.String(length=16), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_grid_places_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_places")),
    )
    op.create_index(op.f("ix_grid_places_cell"), "grid_places", ["cell"], unique=False)
    op.create_index(op.f("ix_grid_places_community_code"), "grid_places", ["community_code"], unique=False)
    op.create_index(op.f("ix_grid_places_kind"), "grid_places", ["kind"], unique=False)
    op.create_table(
        "grid_population_counts",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("group", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_grid_population_counts_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_population_counts")),
        sa.UniqueConstraint("community_code", "group", name="uq_grid_population_counts_group"),
    )
    op.create_index(
        op.f("ix_grid_population_counts_community_code"),
        "grid_population_counts",
        ["community_code"],
        unique=False,
    )
    op.create_table(
        "grid_facilities",
        sa.Column(
            "kind",
            sa.Enum("elevator", "manhole", "street_light", name="facilitykind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=64), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "normal", "faulty", "repairing", "retired", name="facilitystate", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("place_id", sa.Integer(), nullable=True),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("cell", sa.String(length=16), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("lng", sa.Float(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_grid_facilities_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["place_id"],
            ["grid_places.id"],
            name=op.f("fk_grid_facilities_place_id_grid_places"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_facilities")),
    )
    op.create_index(op.f("ix_grid_facilities_cell"), "grid_facilities", ["cell"], unique=False)
    op.create_index(
        op.f("ix_grid_facilities_community_code"), "grid_facilities", ["community_code"], unique=False
    )
    op.create_index(op.f("ix_grid_facilities_kind"), "grid_facilities", ["kind"], unique=False)
    op.create_index(op.f("ix_grid_facilities_state"), "grid_facilities", ["state"], unique=False)
    op.create_table(
        "grid_patrol_plans",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("weekdays", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_grid_patrol_plans_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_patrol_plans")),
    )
    op.create_index(op.f("ix_grid_patrol_plans_worker_id"), "grid_patrol_plans", ["worker_id"], unique=False)
    op.create_table(
        "grid_verification_tasks",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("cell", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=False),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "done", name="taskstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "result",
            sa.Enum(
                "confirmed", "not_found", "resolved", name="verificationresult", native_enum=False, length=24
            ),
            nullable=True,
        ),
        sa.Column("result_note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["users.id"],
            name=op.f("fk_grid_verification_tasks_assignee_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
            name=op.f("fk_grid_verification_tasks_case_id_cases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_verification_tasks")),
    )
    op.create_index(
        op.f("ix_grid_verification_tasks_assignee_id"),
        "grid_verification_tasks",
        ["assignee_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_grid_verification_tasks_case_id"), "grid_verification_tasks", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_grid_verification_tasks_cell"), "grid_verification_tasks", ["cell"], unique=False
    )
    op.create_table(
        "grid_worker_cells",
        sa.Column("cell", sa.String(length=16), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by", sa.String(length=64), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["cell"],
            ["grid_cells.cell"],
            name=op.f("fk_grid_worker_cells_cell_grid_cells"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_grid_worker_cells_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_worker_cells")),
        sa.UniqueConstraint("cell", name=op.f("uq_grid_worker_cells_cell")),
    )
    op.create_index(op.f("ix_grid_worker_cells_user_id"), "grid_worker_cells", ["user_id"], unique=False)
    op.create_table(
        "grid_patrol_records",
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["grid_patrol_plans.id"],
            name=op.f("fk_grid_patrol_records_plan_id_grid_patrol_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"],
            ["users.id"],
            name=op.f("fk_grid_patrol_records_worker_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_patrol_records")),
    )
    op.create_index(
        op.f("ix_grid_patrol_records_worker_id"), "grid_patrol_records", ["worker_id"], unique=False
    )
    op.create_table(
        "grid_field_events",
        sa.Column("worker_id", sa.Integer(), nullable=False),
        sa.Column("patrol_id", sa.Integer(), nullable=True),
        sa.Column("cell", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lng", sa.Float(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("photos", sa.Integer(), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_grid_field_events_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["patrol_id"],
            ["grid_patrol_records.id"],
            name=op.f("fk_grid_field_events_patrol_id_grid_patrol_records"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["users.id"], name=op.f("fk_grid_field_events_worker_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grid_field_events")),
        sa.UniqueConstraint("case_id", name=op.f("uq_grid_field_events_case_id")),
    )
    op.create_index(op.f("ix_grid_field_events_cell"), "grid_field_events", ["cell"], unique=False)
    op.create_index(op.f("ix_grid_field_events_worker_id"), "grid_field_events", ["worker_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_grid_field_events_worker_id"), table_name="grid_field_events")
    op.drop_index(op.f("ix_grid_field_events_cell"), table_name="grid_field_events")
    op.drop_table("grid_field_events")
    op.drop_index(op.f("ix_grid_patrol_records_worker_id"), table_name="grid_patrol_records")
    op.drop_table("grid_patrol_records")
    op.drop_index(op.f("ix_grid_worker_cells_user_id"), table_name="grid_worker_cells")
    op.drop_table("grid_worker_cells")
    op.drop_index(op.f("ix_grid_verification_tasks_cell"), table_name="grid_verification_tasks")
    op.drop_index(op.f("ix_grid_verification_tasks_case_id"), table_name="grid_verification_tasks")
    op.drop_index(op.f("ix_grid_verification_tasks_assignee_id"), table_name="grid_verification_tasks")
    op.drop_table("grid_verification_tasks")
    op.drop_index(op.f("ix_grid_patrol_plans_worker_id"), table_name="grid_patrol_plans")
    op.drop_table("grid_patrol_plans")
    op.drop_index(op.f("ix_grid_facilities_state"), table_name="grid_facilities")
    op.drop_index(op.f("ix_grid_facilities_kind"), table_name="grid_facilities")
    op.drop_index(op.f("ix_grid_facilities_community_code"), table_name="grid_facilities")
    op.drop_index(op.f("ix_grid_facilities_cell"), table_name="grid_facilities")
    op.drop_table("grid_facilities")
    op.drop_index(op.f("ix_grid_population_counts_community_code"), table_name="grid_population_counts")
    op.drop_table("grid_population_counts")
    op.drop_index(op.f("ix_grid_places_kind"), table_name="grid_places")
    op.drop_index(op.f("ix_grid_places_community_code"), table_name="grid_places")
    op.drop_index(op.f("ix_grid_places_cell"), table_name="grid_places")
    op.drop_table("grid_places")
    op.drop_index(op.f("ix_grid_person_records_community_code"), table_name="grid_person_records")
    op.drop_table("grid_person_records")
    op.drop_index(op.f("ix_grid_organisations_community_code"), table_name="grid_organisations")
    op.drop_index(op.f("ix_grid_organisations_cell"), table_name="grid_organisations")
    op.drop_table("grid_organisations")
    op.drop_index(op.f("ix_grid_cells_district_code"), table_name="grid_cells")
    op.drop_index(op.f("ix_grid_cells_community_code"), table_name="grid_cells")
    op.drop_table("grid_cells")
