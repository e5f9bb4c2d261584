"""Every quantitative target of the Beijing 14th five-year plan for social governance, as data.

Quotes are from the plan text (北京市“十四五”时期社会治理规划). Baselines are given only where the
plan states one; the trajectory of an indicator without a baseline starts from 0 at the baseline
date. All targets fall due at the end of the plan period, 2025-12-31.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from zhili.plan.models import Comparison, Method

BASELINE_ON = date(2020, 12, 31)
DEADLINE = date(2025, 12, 31)
PLAN = "《北京市“十四五”时期社会治理规划》"
# 2020 resident population of Beijing (第七次全国人口普查): 21,893,095.
RESIDENTS_2020 = 21_893_095
VOLUNTEERS_2020 = 4_436_000


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    unit: str
    target: float
    method: Method
    source: str
    comparison: Comparison = Comparison.ge
    baseline: float | None = None
    note: str | None = None


def _src(part: str, quote: str) -> str:
    return f"{PLAN}{part}：“{quote}”"


SUPPORT = "第三部分 二（四）社会主体发展工程"
WORKERS = "第三部分 二（五）社工人才培养工程"
COMMUNITY = "第三部分 二（六）社区治理优化工程"

INDICATORS: tuple[Definition, ...] = (
    Definition(
        "hall_coverage",
        "城市社区议事厅覆盖率",
        "%",
        100,
        Method.computed,
        _src("第三部分 一（五）", "全市所有城市社区全部建立社区议事厅"),
        note="分母为城市社区（居委会，统计编码末三位 001–199），分子为已建立议事厅的城市社区。",
    ),
    Definition(
        "deliberation_models",
        "培育不少于2个社区民主协商自治典型的街道（乡镇）占比",
        "%",
        100,
        Method.computed,
        _src("第三部分 一（五）", "每个街道（乡镇）培育不少于2个社区民主协商自治典型"),
        note="标记为“民主协商自治典型”的议事厅不少于 2 个的街道（乡镇）占全部街道（乡镇）的比例。",
    ),
    Definition(
        "incubation_coverage",
        "街道（乡镇）社会组织孵化服务机构覆盖率",
        "%",
        70,
        Method.computed,
        _src(SUPPORT, "街道（乡镇）社会组织孵化服务机构覆盖率达到70%以上"),
    ),
    Definition(
        "federation_coverage",
        "街道（乡镇）社会组织联合会覆盖率",
        "%",
        80,
        Method.computed,
        _src(SUPPORT, "街道（乡镇）社会组织联合会覆盖率达到80%以上"),
    ),
    Definition(
        "four_type_share",
        "四类社会组织占全市社会组织总量比例",
        "%",
        75,
        Method.computed,
        _src(SUPPORT, "四类社会组织占全市社会组织总量的75%以上"),
        note="四类：行业协会商会类、社区类、社会服务类、公益慈善类。",
    ),
    Definition(
        "social_work_agencies",
        "社会工作专业服务机构数量",
        "家",
        1200,
        Method.entered,
        _src(WORKERS, "培育发展社会工作专业服务机构达到1200家"),
    ),
    Definition(
        "social_workers",
        "社会工作专业人才总量",
        "人",
        100_000,
        Method.entered,
        _src(WORKERS, "社会工作专业人才总量达到10万人"),
    ),
    Definition(
        "certified_social_workers",
        "获得社会工作者职业水平证书的专业人才",
        "人",
        60_000,
        Method.entered,
        _src(WORKERS, "获得社会工作者职业水平证书的专业人才不少于6万人"),
    ),
    Definition(
        "outstanding_talents",
        "社会工作“优才计划”优秀社区社会工作专业人才",
        "人",
        600,
        Method.entered,
        _src(WORKERS, "选拔培养不少于600名优秀社区社会工作专业人才"),
    ),
    Definition(
        "social_work_stations",
        "街道（乡镇）社会工作服务站覆盖率",
        "%",
        100,
        Method.entered,
        _src(WORKERS, "力争在“十四五”时期实现街道、乡镇社工站全覆盖"),
    ),
    Definition(
        "psych_centres",
        "社会心理服务中心（站）数量",
        "个",
        500,
        Method.entered,
        _src("第三部分 二（八）社会关系融合工程", "全市建成500个以上社会心理服务中心（站）"),
    ),
    Definition(
        "psych_street_coverage",
        "社会心理服务中心（站）街道（乡镇）覆盖率",
        "%",
        100,
        Method.entered,
        _src("第三部分 二（八）社会关系融合工程", "实现街道（乡镇）全覆盖"),
    ),
    Definition(
        "owners_committee_rate",
        "业委会（物管会）组建率",
        "%",
        90,
        Method.computed,
        _src(COMMUNITY, "全市业委会（物管会）组建率、物业服务覆盖率、党的组织覆盖率在“十四五”期末超过90%"),
        comparison=Comparison.gt,
        note="已录入基础数据的社区中，已组建业委会或物管会的社区占比。",
    ),
    Definition(
        "property_coverage",
        "物业服务覆盖率",
        "%",
        90,
        Method.computed,
        _src(COMMUNITY, "物业服务覆盖率……超过90%"),
        comparison=Comparison.gt,
        note="已录入基础数据的社区，按户数加权的物业服务覆盖率。",
    ),
    Definition(
        "party_org_coverage",
        "物业服务企业党的组织覆盖率",
        "%",
        90,
        Method.entered,
        _src(COMMUNITY, "党的组织覆盖率……超过90%"),
        comparison=Comparison.gt,
    ),
    Definition(
        "volunteer_share",
        "实名注册志愿者占常住人口比例",
        "%",
        21,
        Method.computed,
        _src("第三部分 二（七）社会文明促进工程", "实名注册志愿者人数不少于全市常住人口的21%"),
        baseline=round(VOLUNTEERS_2020 / RESIDENTS_2020 * 100, 2),
        note="基线：“十三五”末实名注册志愿者超过443.6万人，2020年常住人口2189.3万人。"
        "计算值：已登记志愿者 ÷ 已录入基础数据社区的常住人口。",
    ),
    Definition(
        "service_space_compliance",
        "社区服务管理用房达标率（不低于350平方米）",
        "%",
        100,
        Method.computed,
        _src(COMMUNITY, "按照不低于350平方米的标准配置社区服务管理用房"),
        note="新建小区按 500 平方米计；分母为已录入基础数据的社区。",
    ),
)
