"""Live possible duplicates on the intake page: while the operator types, the suggestion panel lists
earlier open cases nearby whose text looks like the same matter, with a link and no personal data."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING_POINT, act, intake, staff


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _panel(s: Any, title: str, description: str, **where: Any) -> str:
    response = s.operator.get(
        "/work/intake/suggest", params={"title": title, "description": description, **where}
    )
    assert response.status_code == 200, response.text
    return str(response.text)


def test_near_identical_draft_at_the_same_point_lists_the_case(s: Any) -> None:
    code = intake(s.operator)
    text = _panel(
        s,
        CASE_BODY["title"],
        "每天晚上九点后广场舞音响声音很大，影响老人孩子休息，请管一管。",
        **WANGJING_POINT,
    )
    assert "可能重复的诉求" in text
    assert f'href="/cases/{code}"' in text and "文本相似度" in text and "相距约 0 米" in text
    for personal in ("张三", "13812341234", "110105199001011234"):
        assert personal not in text


def test_address_only_draft_finds_the_case_too(s: Any) -> None:
    code = intake(s.operator)
    text = _panel(s, CASE_BODY["title"], CASE_BODY["description"], address=WANGJING_POINT["address"])
    assert f'href="/cases/{code}"' in text


def test_unrelated_text_or_no_location_lists_nothing(s: Any) -> None:
    code = intake(s.operator)
    unrelated = _panel(
        s, "公租房申请材料咨询", "想了解公租房申请需要准备哪些材料，在哪里办理。", **WANGJING_POINT
    )
    assert code not in unrelated and "附近近期没有相似的在办诉求" in unrelated
    unlocated = _panel(s, CASE_BODY["title"], CASE_BODY["description"])
    assert code not in unlocated and "填写地址或经纬度后" in unlocated
    half_typed = _panel(s, CASE_BODY["title"], CASE_BODY["description"], lat="39.99", lng="abc")
    assert code not in half_typed


def test_a_closed_case_is_not_offered(s: Any) -> None:
    entry = s.dispatcher.post(
        "/api/knowledge", json={"question": "广场舞噪音扰民怎么办", "answer": "可向属地街道反映。"}
    )
    assert entry.status_code == 201, entry.text
    code = intake(s.operator, demand_type="咨询")
    act(s.operator, code, "direct_close", knowledge_entry_id=entry.json()["id"])
    text = _panel(s, CASE_BODY["title"], CASE_BODY["description"], **WANGJING_POINT)
    assert code not in text


def test_the_panel_is_for_intake_staff_only(s: Any) -> None:
    intake(s.operator)
    refused = s.street.get("/work/intake/suggest", params={"title": CASE_BODY["title"], **WANGJING_POINT})
    assert refused.status_code == 403 and "无权" in refused.text
