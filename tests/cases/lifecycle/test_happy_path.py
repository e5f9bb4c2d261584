"""One case through the whole happy path over HTTP, each step taken by the right actor."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from support.cases import WANGJING, act, intake, staff


def test_case_from_intake_to_closed(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    assert code.startswith("BJ") and len(code) == 16

    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING, note="请望京街道尽快处理")
    act(s.street, code, "sign")
    act(s.street, code, "contact", note="已电话联系市民，约定现场查看")
    act(s.street, code, "report", reply="已约谈广场舞队伍负责人，调整活动时间至20:30前结束并降低音量。")
    final = act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="满意")

    assert final["state"] == "closed"
    assert final["closure_kind"] == "handled"
    assert final["satisfaction"] == "satisfied"
    actions = [(e["action"], e["to_state"], e["actor"]) for e in final["events"]]
    assert actions == [
        ("intake", "received", "op_a"),
        ("dispatch", "dispatched", "disp_a"),
        ("sign", "signed", "wangjing_a"),
        ("contact", "contacted", "wangjing_a"),
        ("report", "reported", "wangjing_a"),
        ("visit", "visited", "op_a"),
        ("close", "closed", "op_a"),
    ]
    assert [e["seq"] for e in final["events"]] == list(range(1, 8))
    assert final["feedback_due"] is not None


def test_intake_resolves_location_and_reports_it(app: Any, session: Session) -> None:
    s = staff(app, session)
    response = s.operator.post(
        "/api/cases",
        json={
            "demand_type": "咨询",
            "channel": "web",
            "title": "公租房申请条件",
            "description": "请问公租房申请需要什么条件？",
            "address": "北京市朝阳区望京街道望京西园三区",
        },
    )
    assert response.status_code == 201, response.text
    location = response.json()["location"]
    assert location["district"] == "110105"
    assert location["street"] == "110105026"
