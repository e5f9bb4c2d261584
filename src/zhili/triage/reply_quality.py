"""Reply-quality check (SPEC M5): score a unit's 反馈 text against the demand before the 回访.

Three parts, each between 0 and 1, plus penalties:

- relevance (针对性): the share of the demand's distinctive terms (character bigrams that are not
  filler such as 您好 or 希望) that the reply takes up;
- completeness (完整性): the reply states an outcome (已解决, 已拆除 …), a time (日期, 目前, N 个工作日内)
  and contact with the citizen (已联系, 现场);
- explanation (解释性): it cites a basis (根据 …《条例》) and concrete steps (一是 … 二是, 下一步).

A reply that is very short, or is little more than boilerplate (来信收悉, 已转相关部门), is marked
down. Under ``WEAK_BELOW`` the reply is flagged weak, with hints saying what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from zhili.triage.text import normalise

WEAK_BELOW = 60
MIN_CHARS = 30
DEMAND_TERMS = 30  # the demand's first distinctive bigrams that count for relevance
FULL_RELEVANCE = 0.35  # taking up this share of the demand's terms counts as fully relevant

_CJK_RUNS = re.compile(r"[\u3400-\u9fff]+")
_FILLER_WORDS = (
    "您好 你好 我们 你们 他们 希望 请问 问题 有关 部门 相关 反映 情况 现在 一个 这个 那个 没有 什么 怎么 "
    "如何 是否 可以 已经 因为 所以 但是 而且 如果 市民 网友 谢谢 感谢 领导 政府 关于 进行 能够 应该 不是 "
    "就是 还是 以及 对于 我的 我家 本人 大家 时间 工作 要求 解决 处理 尽快 "
)
FILLER = frozenset(_FILLER_WORDS.split())
OUTCOME = re.compile(
    r"已(经)?(解决|处理|完成|整改|拆除|清理|修复|维修|更换|恢复|落实|办结|安装|补缴|退还|发放|协调|查处|取缔|关停|"
    r"责令|约谈|处罚|立案|纳入|开通|调整|督促|要求|安排|组织|启动|开展|通知|告知|明确|下达|制定|派)|"
    r"经(调查|核实|核查|查|了解|现场)|整改完毕|办理完毕|予以(处罚|查处|解决|办理)|不符合|符合条件|"
    r"(情况)?(属实|不属实)|不存在|将于|计划于|预计"
)
TIME = re.compile(
    r"\d{1,4}\s*年|\d{1,2}\s*月\s*\d{1,2}\s*日|\d+\s*个?工作日|目前|近日|日前|下一步|近期|今年|明年|月底|年底|本周"
)
CONTACT = re.compile(
    r"(已|经|电话|主动|当面|现场|立即|及时|工作人员|我们|实地)(联系|沟通|回复|核实|查看|勘察|走访|调查|了解|察看)|"
    r"与(您|市民|来信人|网友)|致电|实地"
)
BASIS = re.compile(r"根据|依据|按照|依照|《[^》]{2,40}》|规定|条例|办法|政策|标准|法律|法规")
STEPS = re.compile(
    r"一是|二是|首先|其次|第一|第二|下一步|将(继续|加强|督促|安排|组织)|[1-9][、.．]|（[一二三四]）"
)
BOILERPLATE = re.compile(
    r"(您好|你好)[!！,，。]?|来信(已)?收悉|您反映的问题(已)?收悉|感谢您(对[^，。]{0,20}的)?(关心|支持|来信)[和与]?(支持|关心)?|"
    r"已(转|转交|转办)(至|给)?(相关|有关)(部门|单位)[^。]*|(正在|将)?(研究|调查)处理中|特此回复|此复|谢谢"
)


@dataclass
class ReplyScore:
    score: int
    relevance: float
    completeness: float
    explanation: float
    weak: bool
    hints: list[str] = field(default_factory=list)
    matched_keywords: list[str] = field(default_factory=list)
    missing_keywords: list[str] = field(default_factory=list)


def _terms(text: str) -> list[str]:
    """Distinct distinctive bigrams of the Chinese runs, in order of first appearance."""
    seen: dict[str, None] = {}
    for run in _CJK_RUNS.findall(text):
        for i in range(len(run) - 1):
            gram = run[i : i + 2]
            if gram not in FILLER:
                seen.setdefault(gram, None)
    return list(seen)


def _phrases(text: str, grams: set[str]) -> list[str]:
    """Merge the given bigrams into the longest runs in which they occur in ``text`` (readable hints)."""
    found: dict[str, None] = {}
    for run in _CJK_RUNS.findall(text):
        i = 0
        while i < len(run) - 1:
            if run[i : i + 2] in grams:
                j = i + 1
                while j < len(run) - 1 and run[j : j + 2] in grams:
                    j += 1
                found.setdefault(run[i : j + 1], None)
                i = j + 1
            else:
                i += 1
    return list(found)


def score_reply(demand: str, reply: str) -> ReplyScore:
    demand, reply = normalise(demand), normalise(reply)
    terms = _terms(demand)[:DEMAND_TERMS]
    taken = {t for t in terms if t in reply}
    relevance = min(1.0, (len(taken) / len(terms)) / FULL_RELEVANCE) if terms else 1.0
    parts = [bool(OUTCOME.search(reply)), bool(TIME.search(reply)), bool(CONTACT.search(reply))]
    completeness = 0.5 * parts[0] + 0.3 * parts[1] + 0.2 * parts[2]
    explained = [bool(BASIS.search(reply)), bool(STEPS.search(reply))]
    explanation = 0.5 * explained[0] + 0.5 * explained[1]
    score = 100 * (0.35 * relevance + 0.4 * completeness + 0.25 * explanation)

    hints: list[str] = []
    substance = len(BOILERPLATE.sub("", reply).strip(" ，。,.!！"))
    if len(reply) < MIN_CHARS:
        score *= 0.5
        hints.append(f"答复过短（{len(reply)} 字），请说明调查核实情况、处理结果和依据。")
    elif substance < MIN_CHARS:
        score *= 0.6
        hints.append("答复以套话为主（如“来信收悉”“已转相关部门”），缺少实质内容。")
    if relevance < 0.5:
        hints.append("答复没有回应诉求中的具体事项，请针对诉求内容逐项答复。")
    if not parts[0]:
        hints.append("请写明办理结果（如已解决、已整改、不符合条件及原因）。")
    if not parts[1]:
        hints.append("请写明办理时间或完成时限。")
    if not parts[2]:
        hints.append("请说明是否已与市民联系或到现场核实。")
    if not explained[0]:
        hints.append("请引用政策或法规依据。")
    if not explained[1]:
        hints.append("请列出具体措施或下一步安排。")
    final = round(max(0.0, min(100.0, score)))
    missing = [t for t in terms if t not in taken]
    return ReplyScore(
        score=final,
        relevance=round(relevance, 3),
        completeness=round(completeness, 3),
        explanation=round(explanation, 3),
        weak=final < WEAK_BELOW,
        hints=hints,
        matched_keywords=_phrases(demand, taken)[:10],
        missing_keywords=_phrases(demand, set(missing))[:10],
    )
