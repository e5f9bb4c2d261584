"""Reply-quality check: a good 反馈 scores high, a boilerplate or off-topic one is flagged with hints."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.cases import act, intake, staff
from zhili.audit.models import AuditEntry
from zhili.triage.reply_quality import WEAK_BELOW, score_reply

DEMAND = "小区楼下广场舞噪音扰民。每天晚上九点后广场舞音响声音很大，影响老人孩子休息，希望有关部门管理。"
GOOD = (
    "您好！接到您反映的望京西园三区广场舞噪音扰民问题后，我街道于5月12日派工作人员到现场核实，"
    "情况属实。根据《北京市环境噪声污染防治办法》相关规定，已约谈广场舞组织者，责令其晚上九点前结束活动，"
    "并将音响音量控制在规定标准内。一是社区已在广场张贴告示；二是城管队员连续一周夜间巡查。"
    "已电话联系您告知处理结果。下一步我们将继续加强巡查，如再有扰民情况请随时反映。"
)
BOILERPLATE = "您好！您反映的问题已收悉，已转相关部门处理。感谢您对我们工作的关心和支持。"
OFF_TOPIC = (
    "您好，关于您反映的道路积水问题，经核实该路段排水管网正在改造，根据工程计划将于6月底前完工，"
    "届时积水问题将得到解决。"
)


def test_a_complete_relevant_reply_scores_high() -> None:
    result = score_reply(DEMAND, GOOD)
    assert result.score >= 80 and not result.weak
    assert result.relevance >= 0.8 and result.completeness == 1.0 and result.explanation == 1.0
    assert "广场舞" in "".join(result.matched_keywords)
    assert result.hints == []


def test_boilerplate_and_off_topic_replies_are_weak_with_hints() -> None:
    boiler = score_reply(DEMAND, BOILERPLATE)
    assert boiler.weak and boiler.score < 30
    assert any("套话" in h for h in boiler.hints)
    assert any("办理结果" in h for h in boiler.hints)
    off = score_reply(DEMAND, OFF_TOPIC)
    assert off.weak and off.relevance < 0.5
    assert any("没有回应诉求" in h for h in off.hints)
    assert "广场舞" in "".join(off.missing_keywords)
    short = score_reply(DEMAND, "已处理。")
    assert short.weak and any("过短" in h for h in short.hints)
    assert score_reply(DEMAND, GOOD).score > score_reply(DEMAND, OFF_TOPIC).score > boiler.score


def test_real_replies_judged_explainable_score_higher(shared_data: Path) -> None:
    """Teddy 2020 C replies with one team's 0/1 'explainable' annotation (not official)."""
    csv.field_size_limit(1 << 24)
    with (shared_data / "teddy2020c" / "replies.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    scores: dict[str, list[int]] = {"0": [], "1": []}
    for row in rows:
        scores[row["explainable"]].append(score_reply(row["title"] + row["body"], row["reply"]).score)
    weak_share = {k: sum(s < WEAK_BELOW for s in v) / len(v) for k, v in scores.items()}
    assert len(scores["0"]) > 200 and len(scores["1"]) > 2000
    assert sum(scores["1"]) / len(scores["1"]) > 5 * sum(scores["0"]) / len(scores["0"])
    assert weak_share["0"] > 0.95 and weak_share["1"] < 0.6


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def test_the_api_scores_a_text_and_a_case_reply(s: Any, session: Session) -> None:
    response = s.street.post("/api/triage/reply-quality", json={"demand": DEMAND, "reply": BOILERPLATE})
    assert response.status_code == 200, response.text
    assert response.json()["weak"] is True and response.json()["hints"]

    code = intake(s.operator, category=None, lat=None, lng=None, address="北京市朝阳区望京街道望京西园三区")
    no_reply = s.dispatcher.get(f"/api/cases/{code}/reply-quality")
    assert no_reply.status_code == 409 and no_reply.json()["error"]["field"] == "reply"
    act(s.dispatcher, code, "dispatch", lead_unit="S110105026")
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply=GOOD)
    scored = s.dispatcher.get(f"/api/cases/{code}/reply-quality")
    assert scored.status_code == 200 and scored.json()["weak"] is False


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"demand": DEMAND, "reply": ""}, "reply"),
        ({"demand": "", "reply": GOOD}, "demand"),
        ({"reply": GOOD}, "demand"),
    ],
)
def test_bad_reply_checks_are_422_and_write_nothing(
    s: Any, session: Session, body: dict[str, Any], field: str
) -> None:
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    response = s.street.post("/api/triage/reply-quality", json=body)
    assert response.status_code == 422 and response.json()["error"]["field"] == field
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
