"""community: base data, residents, social organisations and the 议事厅

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00
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


def downgrade() -> None:
    op.drop_index(op.f("ix_community_followups_decision_id"), table_name="community_followups")
    op.drop_table("community_followups")
    op.drop_index(op.f("ix_community_votes_proposal_id"), table_name="community_votes")
    op.drop_table("community_votes")
    op.drop_index(op.f("ix_community_supports_proposal_id"), table_name="community_supports")
    op.drop_table("community_supports")
    op.drop_index(op.f("ix_community_decisions_topic_id"), table_name="community_decisions")
    op.drop_table("community_decisions")
    op.drop_index(op.f("ix_community_topic_cases_topic_id"), table_name="community_topic_cases")
    op.drop_index(op.f("ix_community_topic_cases_case_id"), table_name="community_topic_cases")
    op.drop_table("community_topic_cases")
    op.drop_index(op.f("ix_community_proposals_topic_id"), table_name="community_proposals")
    op.drop_table("community_proposals")
    op.drop_index(op.f("ix_community_meetings_topic_id"), table_name="community_meetings")
    op.drop_table("community_meetings")
    op.drop_index(op.f("ix_community_comments_topic_id"), table_name="community_comments")
    op.drop_table("community_comments")
    op.drop_index(op.f("ix_community_topics_hall_id"), table_name="community_topics")
    op.drop_index(op.f("ix_community_topics_community_code"), table_name="community_topics")
    op.drop_table("community_topics")
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
