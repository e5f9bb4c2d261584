"""petitions: 信访事项 and 信访件, the bodies a matter was sent to, its steps, linked 12345 demands,
领导包案 actions and the 领导接访日 / 下访 calendar

Revision ID: 0024
Revises: 0018
Create Date: 2026-12-06 17:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "petition_matters",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("office_unit_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=True),
        sa.Column("petitioner_digest", sa.String(length=40), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "registered",
                "referred",
                "handling",
                "replied",
                "reviewing",
                "reviewed",
                "rechecking",
                "refused",
                "concluded",
                name="matterstate",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stage_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warning", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_on_time", sa.Boolean(), nullable=True),
        sa.Column("handling_unit_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("refusal_reason", sa.Text(), nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("replied_on_time", sa.Boolean(), nullable=True),
        sa.Column("review_opinion", sa.Text(), nullable=True),
        sa.Column("recheck_opinion", sa.Text(), nullable=True),
        sa.Column("concluded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("leader_user_id", sa.Integer(), nullable=True),
        sa.Column("petitions", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handling_unit_id"],
            ["units.id"],
            name=op.f("fk_petition_matters_handling_unit_id_units"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["leader_user_id"],
            ["users.id"],
            name=op.f("fk_petition_matters_leader_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["office_unit_id"],
            ["units.id"],
            name=op.f("fk_petition_matters_office_unit_id_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_matters")),
        sa.UniqueConstraint("code", name=op.f("uq_petition_matters_code")),
    )
    with op.batch_alter_table("petition_matters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_matters_category"), ["category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_petition_matters_division_code"), ["division_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_petition_matters_due_at"), ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_petition_matters_leader_user_id"), ["leader_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_petition_matters_office_unit_id"), ["office_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_petition_matters_overdue"), ["overdue"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_petition_matters_petitioner_digest"), ["petitioner_digest"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_petition_matters_received_at"), ["received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_matters_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_matters_warning"), ["warning"], unique=False)

    op.create_table(
        "petition_receptions",
        sa.Column("office_unit_id", sa.Integer(), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("reception_day", "field_visit", name="receptionkind", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("leader_user_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("visitors", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_user_id"],
            ["users.id"],
            name=op.f("fk_petition_receptions_leader_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["office_unit_id"],
            ["units.id"],
            name=op.f("fk_petition_receptions_office_unit_id_units"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_receptions")),
    )
    with op.batch_alter_table("petition_receptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_petition_receptions_division_code"), ["division_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_petition_receptions_leader_user_id"), ["leader_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_petition_receptions_office_unit_id"), ["office_unit_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_petition_receptions_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "petition_bodies",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum("handling", "review", "recheck", name="bodyrole", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["petition_matters.id"],
            name=op.f("fk_petition_bodies_matter_id_petition_matters"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_petition_bodies_unit_id_units"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_bodies")),
        sa.UniqueConstraint("matter_id", "unit_id", "role", name=op.f("uq_petition_bodies_matter_id")),
    )
    with op.batch_alter_table("petition_bodies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_bodies_matter_id"), ["matter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_bodies_unit_id"), ["unit_id"], unique=False)

    op.create_table(
        "petition_case_links",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_petition_case_links_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["petition_matters.id"],
            name=op.f("fk_petition_case_links_matter_id_petition_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_case_links")),
        sa.UniqueConstraint("matter_id", "case_id", name=op.f("uq_petition_case_links_matter_id")),
    )
    with op.batch_alter_table("petition_case_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_case_links_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_petition_case_links_matter_id"), ["matter_id"], unique=False)

    op.create_table(
        "petition_leader_actions",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("leader_user_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reception",
                "meeting",
                "supervision",
                "field_visit",
                name="leaderactionkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["leader_user_id"],
            ["users.id"],
            name=op.f("fk_petition_leader_actions_leader_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["petition_matters.id"],
            name=op.f("fk_petition_leader_actions_matter_id_petition_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_leader_actions")),
    )
    with op.batch_alter_table("petition_leader_actions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_petition_leader_actions_leader_user_id"), ["leader_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_petition_leader_actions_matter_id"), ["matter_id"], unique=False)

    op.create_table(
        "petition_steps",
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_state", sa.String(length=24), nullable=True),
        sa.Column("to_state", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["petition_matters.id"],
            name=op.f("fk_petition_steps_matter_id_petition_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_steps")),
    )
    with op.batch_alter_table("petition_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petition_steps_matter_id"), ["matter_id"], unique=False)

    op.create_table(
        "petitions",
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("matter_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "online", "letter", "visit", "hotline", name="petitionchannel", native_enum=False, length=24
            ),
            nullable=False,
        ),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("name_enc", sa.Text(), nullable=True),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("id_number_enc", sa.Text(), nullable=True),
        sa.Column("address_enc", sa.Text(), nullable=True),
        sa.Column("petitioner_digest", sa.String(length=40), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_petitions_case_id_cases"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["matter_id"],
            ["petition_matters.id"],
            name=op.f("fk_petitions_matter_id_petition_matters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitions")),
        sa.UniqueConstraint("code", name=op.f("uq_petitions_code")),
    )
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_petitions_channel"), ["channel"], unique=False)
        batch_op.create_index(batch_op.f("ix_petitions_matter_id"), ["matter_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_petitions_petitioner_digest"), ["petitioner_digest"], unique=False
        )

    op.create_table(
        "petition_attachments",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_attachments_petition_id_petitions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petition_attachments")),
    )
    with op.batch_alter_table("petition_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_petition_attachments_petition_id"), ["petition_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("petition_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_attachments_petition_id"))

    op.drop_table("petition_attachments")
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petitions_petitioner_digest"))
        batch_op.drop_index(batch_op.f("ix_petitions_matter_id"))
        batch_op.drop_index(batch_op.f("ix_petitions_channel"))

    op.drop_table("petitions")
    with op.batch_alter_table("petition_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_steps_matter_id"))

    op.drop_table("petition_steps")
    with op.batch_alter_table("petition_leader_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_leader_actions_matter_id"))
        batch_op.drop_index(batch_op.f("ix_petition_leader_actions_leader_user_id"))

    op.drop_table("petition_leader_actions")
    with op.batch_alter_table("petition_case_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_case_links_matter_id"))
        batch_op.drop_index(batch_op.f("ix_petition_case_links_case_id"))

    op.drop_table("petition_case_links")
    with op.batch_alter_table("petition_bodies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_bodies_unit_id"))
        batch_op.drop_index(batch_op.f("ix_petition_bodies_matter_id"))

    op.drop_table("petition_bodies")
    with op.batch_alter_table("petition_receptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_receptions_starts_at"))
        batch_op.drop_index(batch_op.f("ix_petition_receptions_office_unit_id"))
        batch_op.drop_index(batch_op.f("ix_petition_receptions_leader_user_id"))
        batch_op.drop_index(batch_op.f("ix_petition_receptions_division_code"))

    op.drop_table("petition_receptions")
    with op.batch_alter_table("petition_matters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_petition_matters_warning"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_state"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_received_at"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_petitioner_digest"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_overdue"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_office_unit_id"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_leader_user_id"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_due_at"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_division_code"))
        batch_op.drop_index(batch_op.f("ix_petition_matters_category"))

    op.drop_table("petition_matters")
