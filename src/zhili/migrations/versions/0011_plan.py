# ruff: noqa: E501  (frozen data: the plan's quoted sources)
"""plan indicators and their dated values, with the plan's targets as data

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 10:00:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
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
    _seed_plan_indicators()


# The plan's targets as they were when this migration was written: frozen here, because a migration
# never imports application code. ``zhili plan load`` refreshes their wording from zhili.plan.catalogue.
# (code, name, unit, baseline, target, comparison, source, method, note)
INDICATORS = [
    (
        "hall_coverage",
        "城市社区议事厅覆盖率",
        "%",
        None,
        100,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 一（五）：“全市所有城市社区全部建立社区议事厅”",
        "computed",
        "分母为城市社区（居委会，统计编码末三位 001–199），分子为已建立议事厅的城市社区。",
    ),
    (
        "deliberation_models",
        "培育不少于2个社区民主协商自治典型的街道（乡镇）占比",
        "%",
        None,
        100,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 一（五）：“每个街道（乡镇）培育不少于2个社区民主协商自治典型”",
        "computed",
        "标记为“民主协商自治典型”的议事厅不少于 2 个的街道（乡镇）占全部街道（乡镇）的比例。",
    ),
    (
        "incubation_coverage",
        "街道（乡镇）社会组织孵化服务机构覆盖率",
        "%",
        None,
        70,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（四）社会主体发展工程：“街道（乡镇）社会组织孵化服务机构覆盖率达到70%以上”",
        "computed",
        None,
    ),
    (
        "federation_coverage",
        "街道（乡镇）社会组织联合会覆盖率",
        "%",
        None,
        80,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（四）社会主体发展工程：“街道（乡镇）社会组织联合会覆盖率达到80%以上”",
        "computed",
        None,
    ),
    (
        "four_type_share",
        "四类社会组织占全市社会组织总量比例",
        "%",
        None,
        75,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（四）社会主体发展工程：“四类社会组织占全市社会组织总量的75%以上”",
        "computed",
        "四类：行业协会商会类、社区类、社会服务类、公益慈善类。",
    ),
    (
        "social_work_agencies",
        "社会工作专业服务机构数量",
        "家",
        None,
        1200,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（五）社工人才培养工程：“培育发展社会工作专业服务机构达到1200家”",
        "entered",
        None,
    ),
    (
        "social_workers",
        "社会工作专业人才总量",
        "人",
        None,
        100000,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（五）社工人才培养工程：“社会工作专业人才总量达到10万人”",
        "entered",
        None,
    ),
    (
        "certified_social_workers",
        "获得社会工作者职业水平证书的专业人才",
        "人",
        None,
        60000,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（五）社工人才培养工程：“获得社会工作者职业水平证书的专业人才不少于6万人”",
        "entered",
        None,
    ),
    (
        "outstanding_talents",
        "社会工作“优才计划”优秀社区社会工作专业人才",
        "人",
        None,
        600,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（五）社工人才培养工程：“选拔培养不少于600名优秀社区社会工作专业人才”",
        "entered",
        None,
    ),
    (
        "social_work_stations",
        "街道（乡镇）社会工作服务站覆盖率",
        "%",
        None,
        100,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（五）社工人才培养工程：“力争在“十四五”时期实现街道、乡镇社工站全覆盖”",
        "entered",
        None,
    ),
    (
        "psych_centres",
        "社会心理服务中心（站）数量",
        "个",
        None,
        500,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（八）社会关系融合工程：“全市建成500个以上社会心理服务中心（站）”",
        "entered",
        None,
    ),
    (
        "psych_street_coverage",
        "社会心理服务中心（站）街道（乡镇）覆盖率",
        "%",
        None,
        100,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（八）社会关系融合工程：“实现街道（乡镇）全覆盖”",
        "entered",
        None,
    ),
    (
        "owners_committee_rate",
        "业委会（物管会）组建率",
        "%",
        None,
        90,
        "gt",
        "《北京市“十四五”时期社会治理规划》第三部分 二（六）社区治理优化工程：“全市业委会（物管会）组建率、物业服务覆盖率、党的组织覆盖率在“十四五”期末超过90%”",
        "computed",
        "已录入基础数据的社区中，已组建业委会或物管会的社区占比。",
    ),
    (
        "property_coverage",
        "物业服务覆盖率",
        "%",
        None,
        90,
        "gt",
        "《北京市“十四五”时期社会治理规划》第三部分 二（六）社区治理优化工程：“物业服务覆盖率……超过90%”",
        "computed",
        "已录入基础数据的社区，按户数加权的物业服务覆盖率。",
    ),
    (
        "party_org_coverage",
        "物业服务企业党的组织覆盖率",
        "%",
        None,
        90,
        "gt",
        "《北京市“十四五”时期社会治理规划》第三部分 二（六）社区治理优化工程：“党的组织覆盖率……超过90%”",
        "entered",
        None,
    ),
    (
        "volunteer_share",
        "实名注册志愿者占常住人口比例",
        "%",
        20.26,
        21,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（七）社会文明促进工程：“实名注册志愿者人数不少于全市常住人口的21%”",
        "computed",
        "基线：“十三五”末实名注册志愿者超过443.6万人，2020年常住人口2189.3万人。计算值：已登记志愿者 ÷ 已录入基础数据社区的常住人口。",
    ),
    (
        "service_space_compliance",
        "社区服务管理用房达标率（不低于350平方米）",
        "%",
        None,
        100,
        "ge",
        "《北京市“十四五”时期社会治理规划》第三部分 二（六）社区治理优化工程：“按照不低于350平方米的标准配置社区服务管理用房”",
        "computed",
        "新建小区按 500 平方米计；分母为已录入基础数据的社区。",
    ),
]
BASELINE_ON = date(2020, 12, 31)
DEADLINE = date(2025, 12, 31)
COLUMNS = ("code", "name", "unit", "baseline", "target", "comparison", "source", "method", "note")


def _seed_plan_indicators() -> None:
    """The plan's targets are data from the start."""
    table = sa.table(
        "plan_indicators",
        *(sa.column(name) for name in (*COLUMNS, "position")),
        sa.column("baseline_on", sa.Date),
        sa.column("deadline", sa.Date),
    )
    rows = [
        {**dict(zip(COLUMNS, row, strict=True)), "position": position}
        for position, row in enumerate(INDICATORS)
    ]
    op.bulk_insert(table, [{**row, "baseline_on": BASELINE_ON, "deadline": DEADLINE} for row in rows])


def downgrade() -> None:
    op.drop_index(op.f("ix_plan_indicator_values_indicator_code"), table_name="plan_indicator_values")
    op.drop_table("plan_indicator_values")
    op.drop_table("plan_indicators")
