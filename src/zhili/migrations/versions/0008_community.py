"""grid, community and plan indicators

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_indicators",
        sa.Column("code", sa.String(length=48), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("baseline", sa.Float(), nullable=True),
        sa.Column("baseline_on", sa.Date(), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column(
            "comparison", sa.Enum("ge", "gt", name="comparison", native_enum=False, length=8), nullable=False
        ),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column(
            "method",
            sa.Enum("computed", "entered", name="method", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_plan_indicators")),
    )
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
        "community_halls",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("model_name", sa.String(length=64), nullable=True),
        sa.Column("is_model", sa.Boolean(), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_community_halls_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_halls")),
        sa.UniqueConstraint("community_code", name=op.f("uq_community_halls_community_code")),
    )
    op.create_index(op.f("ix_community_halls_street_code"), "community_halls", ["street_code"], unique=False)
    op.create_table(
        "community_profiles",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("area_km2", sa.Float(), nullable=True),
        sa.Column("service_space_m2", sa.Float(), nullable=False),
        sa.Column("new_estate", sa.Boolean(), nullable=False),
        sa.Column("facilities", sa.Text(), nullable=False),
        sa.Column("has_owners_committee", sa.Boolean(), nullable=False),
        sa.Column("property_coverage", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_community_profiles_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_profiles")),
        sa.UniqueConstraint("community_code", name=op.f("uq_community_profiles_community_code")),
    )
    op.create_index(
        op.f("ix_community_profiles_street_code"), "community_profiles", ["street_code"], unique=False
    )
    op.create_table(
        "community_residents",
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=True),
        sa.Column("name_enc", sa.String(length=255), nullable=True),
        sa.Column("id_digest", sa.String(length=40), nullable=False),
        sa.Column("verified_by", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["community_code"],
            ["divisions.code"],
            name=op.f("fk_community_residents_community_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_residents")),
        sa.UniqueConstraint("community_code", "id_digest", name="uq_community_residents_person"),
    )
    op.create_index(
        op.f("ix_community_residents_community_code"), "community_residents", ["community_code"], unique=False
    )
    op.create_table(
        "community_social_orgs",
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column(
            "org_type",
            sa.Enum(
                "trade",
                "community",
                "social_service",
                "charity",
                "other",
                name="orgtype",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_code"],
            ["divisions.code"],
            name=op.f("fk_community_social_orgs_street_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_social_orgs")),
        sa.UniqueConstraint("name", name=op.f("uq_community_social_orgs_name")),
    )
    op.create_index(
        op.f("ix_community_social_orgs_org_type"), "community_social_orgs", ["org_type"], unique=False
    )
    op.create_index(
        op.f("ix_community_social_orgs_street_code"), "community_social_orgs", ["street_code"], unique=False
    )
    op.create_table(
        "community_street_hubs",
        sa.Column(
            "kind",
            sa.Enum("incubation", "federation", name="hubkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("street_code", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(
            ["street_code"],
            ["divisions.code"],
            name=op.f("fk_community_street_hubs_street_code_divisions"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_street_hubs")),
        sa.UniqueConstraint("kind", "street_code", name="uq_community_street_hubs_kind_street"),
    )
    op.create_index(
        op.f("ix_community_street_hubs_street_code"), "community_street_hubs", ["street_code"], unique=False
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
        "plan_indicator_values",
        sa.Column("indicator_code", sa.String(length=48), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("numerator", sa.Float(), nullable=True),
        sa.Column("denominator", sa.Float(), nullable=True),
        sa.Column("computed", sa.Boolean(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_code"],
            ["plan_indicators.code"],
            name=op.f("fk_plan_indicator_values_indicator_code_plan_indicators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_indicator_values")),
    )
    op.create_index(
        op.f("ix_plan_indicator_values_indicator_code"),
        "plan_indicator_values",
        ["indicator_code"],
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
    op.create_table(
        "community_topics",
        sa.Column("hall_id", sa.Integer(), nullable=False),
        sa.Column("community_code", sa.String(length=12), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("manual", "cases", name="topicsource", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="topicstatus", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hall_id"],
            ["community_halls.id"],
            name=op.f("fk_community_topics_hall_id_community_halls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_topics")),
    )
    op.create_index(
        op.f("ix_community_topics_community_code"), "community_topics", ["community_code"], unique=False
    )
    op.create_index(op.f("ix_community_topics_hall_id"), "community_topics", ["hall_id"], unique=False)
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
        "community_comments",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["community_topics.id"],
            name=op.f("fk_community_comments_topic_id_community_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_comments")),
    )
    op.create_index(op.f("ix_community_comments_topic_id"), "community_comments", ["topic_id"], unique=False)
    op.create_table(
        "community_meetings",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=128), nullable=False),
        sa.Column("attendees", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["community_topics.id"],
            name=op.f("fk_community_meetings_topic_id_community_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_meetings")),
    )
    op.create_index(op.f("ix_community_meetings_topic_id"), "community_meetings", ["topic_id"], unique=False)
    op.create_table(
        "community_proposals",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("support_threshold", sa.Integer(), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "collecting",
                "voting",
                "adopted",
                "rejected",
                name="proposalstatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voting_opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["community_topics.id"],
            name=op.f("fk_community_proposals_topic_id_community_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_proposals")),
    )
    op.create_index(
        op.f("ix_community_proposals_topic_id"), "community_proposals", ["topic_id"], unique=False
    )
    op.create_table(
        "community_topic_cases",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_community_topic_cases_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["community_topics.id"],
            name=op.f("fk_community_topic_cases_topic_id_community_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_topic_cases")),
        sa.UniqueConstraint("topic_id", "case_id", name="uq_community_topic_cases_pair"),
    )
    op.create_index(
        op.f("ix_community_topic_cases_case_id"), "community_topic_cases", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_community_topic_cases_topic_id"), "community_topic_cases", ["topic_id"], unique=False
    )
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
        "community_decisions",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("adopted", sa.Boolean(), nullable=False),
        sa.Column("yes", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("abstain", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["community_proposals.id"],
            name=op.f("fk_community_decisions_proposal_id_community_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["community_topics.id"],
            name=op.f("fk_community_decisions_topic_id_community_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_decisions")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_community_decisions_proposal_id")),
    )
    op.create_index(
        op.f("ix_community_decisions_topic_id"), "community_decisions", ["topic_id"], unique=False
    )
    op.create_table(
        "community_supports",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["community_proposals.id"],
            name=op.f("fk_community_supports_proposal_id_community_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["community_residents.id"],
            name=op.f("fk_community_supports_resident_id_community_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_supports")),
        sa.UniqueConstraint("proposal_id", "resident_id", name="uq_community_supports_pair"),
    )
    op.create_index(
        op.f("ix_community_supports_proposal_id"), "community_supports", ["proposal_id"], unique=False
    )
    op.create_table(
        "community_votes",
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column(
            "choice",
            sa.Enum("yes", "no", "abstain", name="votechoice", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["community_proposals.id"],
            name=op.f("fk_community_votes_proposal_id_community_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["community_residents.id"],
            name=op.f("fk_community_votes_resident_id_community_residents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_votes")),
        sa.UniqueConstraint("proposal_id", "resident_id", name="uq_community_votes_pair"),
    )
    op.create_index(op.f("ix_community_votes_proposal_id"), "community_votes", ["proposal_id"], unique=False)
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
        "community_followups",
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("assignee", sa.String(length=128), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["community_decisions.id"],
            name=op.f("fk_community_followups_decision_id_community_decisions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_followups")),
    )
    op.create_index(
        op.f("ix_community_followups_decision_id"), "community_followups", ["decision_id"], unique=False
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
    _seed_plan_indicators()


def _seed_plan_indicators() -> None:
    """The plan's targets are data from the start; ``zhili plan load`` refreshes their wording."""
    from zhili.plan.catalogue import BASELINE_ON, DEADLINE, INDICATORS

    table = sa.table(
        "plan_indicators",
        *(
            sa.column(name)
            for name in (
                "code",
                "name",
                "unit",
                "baseline",
                "target",
                "comparison",
                "source",
                "method",
                "note",
                "position",
            )
        ),
        sa.column("baseline_on", sa.Date),
        sa.column("deadline", sa.Date),
    )
    op.bulk_insert(
        table,
        [
            {
                "code": d.code,
                "name": d.name,
                "unit": d.unit,
                "baseline": d.baseline,
                "target": d.target,
                "comparison": d.comparison.name,
                "source": d.source,
                "method": d.method.name,
                "note": d.note,
                "position": position,
                "baseline_on": BASELINE_ON,
                "deadline": DEADLINE,
            }
            for position, d in enumerate(INDICATORS)
        ],
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_grid_field_events_worker_id"), table_name="grid_field_events")
    op.drop_index(op.f("ix_grid_field_events_cell"), table_name="grid_field_events")
    op.drop_table("grid_field_events")
    op.drop_index(op.f("ix_community_followups_decision_id"), table_name="community_followups")
    op.drop_table("community_followups")
    op.drop_index(op.f("ix_grid_patrol_records_worker_id"), table_name="grid_patrol_records")
    op.drop_table("grid_patrol_records")
    op.drop_index(op.f("ix_community_votes_proposal_id"), table_name="community_votes")
    op.drop_table("community_votes")
    op.drop_index(op.f("ix_community_supports_proposal_id"), table_name="community_supports")
    op.drop_table("community_supports")
    op.drop_index(op.f("ix_community_decisions_topic_id"), table_name="community_decisions")
    op.drop_table("community_decisions")
    op.drop_index(op.f("ix_grid_worker_cells_user_id"), table_name="grid_worker_cells")
    op.drop_table("grid_worker_cells")
    op.drop_index(op.f("ix_grid_verification_tasks_cell"), table_name="grid_verification_tasks")
    op.drop_index(op.f("ix_grid_verification_tasks_case_id"), table_name="grid_verification_tasks")
    op.drop_index(op.f("ix_grid_verification_tasks_assignee_id"), table_name="grid_verification_tasks")
    op.drop_table("grid_verification_tasks")
    op.drop_index(op.f("ix_grid_patrol_plans_worker_id"), table_name="grid_patrol_plans")
    op.drop_table("grid_patrol_plans")
    op.drop_index(op.f("ix_community_topic_cases_topic_id"), table_name="community_topic_cases")
    op.drop_index(op.f("ix_community_topic_cases_case_id"), table_name="community_topic_cases")
    op.drop_table("community_topic_cases")
    op.drop_index(op.f("ix_community_proposals_topic_id"), table_name="community_proposals")
    op.drop_table("community_proposals")
    op.drop_index(op.f("ix_community_meetings_topic_id"), table_name="community_meetings")
    op.drop_table("community_meetings")
    op.drop_index(op.f("ix_community_comments_topic_id"), table_name="community_comments")
    op.drop_table("community_comments")
    op.drop_index(op.f("ix_grid_facilities_state"), table_name="grid_facilities")
    op.drop_index(op.f("ix_grid_facilities_kind"), table_name="grid_facilities")
    op.drop_index(op.f("ix_grid_facilities_community_code"), table_name="grid_facilities")
    op.drop_index(op.f("ix_grid_facilities_cell"), table_name="grid_facilities")
    op.drop_table("grid_facilities")
    op.drop_index(op.f("ix_community_topics_hall_id"), table_name="community_topics")
    op.drop_index(op.f("ix_community_topics_community_code"), table_name="community_topics")
    op.drop_table("community_topics")
    op.drop_index(op.f("ix_community_service_records_volunteer_id"), table_name="community_service_records")
    op.drop_index(op.f("ix_community_service_records_activity_id"), table_name="community_service_records")
    op.drop_table("community_service_records")
    op.drop_index(op.f("ix_plan_indicator_values_indicator_code"), table_name="plan_indicator_values")
    op.drop_table("plan_indicator_values")
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
    op.drop_index(op.f("ix_community_volunteers_community_code"), table_name="community_volunteers")
    op.drop_table("community_volunteers")
    op.drop_index(op.f("ix_community_street_hubs_street_code"), table_name="community_street_hubs")
    op.drop_table("community_street_hubs")
    op.drop_index(op.f("ix_community_social_orgs_street_code"), table_name="community_social_orgs")
    op.drop_index(op.f("ix_community_social_orgs_org_type"), table_name="community_social_orgs")
    op.drop_table("community_social_orgs")
    op.drop_index(op.f("ix_community_residents_community_code"), table_name="community_residents")
    op.drop_table("community_residents")
    op.drop_index(op.f("ix_community_profiles_street_code"), table_name="community_profiles")
    op.drop_table("community_profiles")
    op.drop_index(op.f("ix_community_halls_street_code"), table_name="community_halls")
    op.drop_table("community_halls")
    op.drop_index(op.f("ix_community_activities_community_code"), table_name="community_activities")
    op.drop_table("community_activities")
    op.drop_table("plan_indicators")
