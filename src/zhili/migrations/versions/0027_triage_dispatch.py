"""triage that fits dispatch: how each suggestion fared (triage_decisions), the auto-dispatch setting
(triage_settings, off), and default routing rules in Beijing practice (直派街乡 unless a department or a
public-service company handles the category)

Revision ID: 0027_triage_dispatch
Revises: 0028
Create Date: 2026-12-06 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027_triage_dispatch"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STREET = "street"
# (category prefix, lead unit type, name, note): editable by admins afterwards. All of priority 0, so
# the most specific category wins; the lead unit type is resolved where the case lies (``street`` →
# the street or township office, a department type → the district's department, a utility → the
# company).
DEFAULT_RULES = [
    ("010301", STREET, "施工扰民直派街乡", "夜间施工噪声先由属地街乡处置，住建、城管执法报到"),
    ("010302", STREET, "违法建设直派街乡", "违建由街乡综合执法队属地查处"),
    ("0104", STREET, "市政设施直派街乡", "路灯、井盖、道路破损先由属地街乡处置"),
    ("010402", STREET, "路灯照明直派街乡", "路灯不亮由属地街乡（城管科）处置"),
    ("0202", STREET, "噪声扰民直派街乡", "社会生活噪声由属地街乡处置"),
    ("020202", "environment", "交通噪声由生态环境部门办理", None),
    ("020101", STREET, "餐饮油烟直派街乡", None),
    ("0204", STREET, "垃圾清运直派街乡", None),
    ("13", STREET, "物业管理直派街乡", "物业纠纷由街乡物业管理部门协调"),
    ("15", STREET, "城市管理直派街乡", None),
    ("16", STREET, "社区治理直派街乡", None),
    ("1101", STREET, "农村人居环境直派乡镇", None),
    ("1201", "water_supply", "供水由自来水公司办理", None),
    ("1202", "drainage", "排水由排水公司办理", None),
    ("1203", "power", "供电由电力公司办理", None),
    ("1204", "gas", "燃气由燃气公司办理", None),
    ("1205", "heating", "供暖由热力公司办理", None),
    ("1206", "telecom", "通信由通信运营商办理", None),
    ("0301", "traffic_police", "道路交通由交管部门办理", None),
    ("0302", "public_transport", "公共交通由公交集团办理", None),
    ("0501", "labour", "劳动关系由人社部门办理", None),
    ("0504", "medical_insurance", "医疗保障由医保部门办理", None),
    ("0601", "market", "消费维权由市场监管部门办理", None),
    ("0801", "public_security", "治安管理由公安部门办理", None),
    ("0903", "market", "特种设备由市场监管部门办理", None),
]


def upgrade() -> None:
    op.create_table(
        "triage_decisions",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("suggested_category", sa.String(length=16), nullable=True),
        sa.Column("suggested_lead_unit", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("category_code", sa.String(length=16), nullable=True),
        sa.Column("lead_unit_code", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_triage_decisions_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["triage_recommendations.id"],
            name=op.f("fk_triage_decisions_recommendation_id_triage_recommendations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_decisions")),
    )
    op.create_index(op.f("ix_triage_decisions_case_id"), "triage_decisions", ["case_id"])
    op.create_index("ix_triage_decisions_decided_at", "triage_decisions", ["decided_at"])
    op.create_table(
        "triage_settings",
        sa.Column("auto_dispatch", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("auto_threshold", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_triage_settings")),
    )
    rules = sa.table(
        "routing_rules",
        sa.column("name", sa.String),
        sa.column("category_prefix", sa.String),
        sa.column("lead_unit_type", sa.String),
        sa.column("co_unit_codes", sa.Text),
        sa.column("priority", sa.Integer),
        sa.column("active", sa.Boolean),
        sa.column("note", sa.Text),
        sa.column("updated_by", sa.String),
    )
    op.bulk_insert(
        rules,
        [
            {
                "name": name,
                "category_prefix": prefix,
                "lead_unit_type": unit_type,
                "co_unit_codes": "",
                "priority": 0,
                "active": True,
                "note": note,
                "updated_by": "system",
            }
            for prefix, unit_type, name, note in DEFAULT_RULES
        ],
    )


def downgrade() -> None:
    rules = sa.table("routing_rules", sa.column("updated_by", sa.String), sa.column("name", sa.String))
    op.execute(
        rules.delete().where(rules.c.updated_by == "system", rules.c.name.in_([r[2] for r in DEFAULT_RULES]))
    )
    op.drop_table("triage_settings")
    op.drop_index("ix_triage_decisions_decided_at", table_name="triage_decisions")
    op.drop_index(op.f("ix_triage_decisions_case_id"), table_name="triage_decisions")
    op.drop_table("triage_decisions")
