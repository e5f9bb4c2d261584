"""重复信访: the same petitioner about the same matter joins the matter and is never counted again;
12345 demands on the same matter are linked; counting is by matter."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from petitions.accounts import ONLINE, VISIT, citizen, client, register, step
from support.cases import intake, staff
from zhili.petitions.models import PetitionCaseLink, PetitionMatter


def _matters(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(PetitionMatter)) or 0)


def test_the_same_petitioner_on_the_same_matter_is_linked_not_counted(app: Any, session: Session) -> None:
    office = client(app, "office")
    first = register(office)
    before = _matters(session)
    # A letter weeks later, reworded, with a new phone: the ID number says who it is.
    letter = register(
        office,
        channel="letter",
        content="望京西园三区楼下的烧烤摊仍然每晚营业到凌晨，油烟噪音扰民，此前反映后没有解决。",
        petitioner={**VISIT["petitioner"], "phone": "13600009999"},
    )
    assert letter["repeat"] is True and letter["matter_code"] == first["matter_code"]
    assert "重复信访" in letter["notice"]
    assert _matters(session) == before
    matter = office.get(f"/api/petitions/matters/{first['matter_code']}").json()
    assert matter["petitions"] == 2 and [i["repeat"] for i in matter["items"]] == [False, True]
    assert [s["action"] for s in matter["steps"]] == ["register", "repeat"]
    # The same petitioner about something else is a new matter.
    other = register(
        office,
        title="申请公租房资格审核进度",
        content="本人去年提交公租房申请，至今未收到审核结果，请求告知进度。",
        category="0101",
    )
    assert other["repeat"] is False and other["matter_code"] != first["matter_code"]
    # Someone else with the same words is not this petitioner's repeat.
    stranger = register(office, petitioner={"name": "赵六", "phone": "13500001111"})
    assert stranger["repeat"] is False


def test_a_repeat_on_a_concluded_matter_is_recorded_not_reopened(app: Any) -> None:
    office = client(app, "office")
    code = register(office, received_at="2025-09-26T10:00:00+08:00")["matter_code"]
    step(office, code, "accept", at="2025-10-09T09:00:00+08:00")
    step(office, code, "reply", text="已处理", at="2025-10-20T09:00:00+08:00")
    step(office, code, "conclude", at="2025-12-20T09:00:00+08:00")
    again = register(office)
    assert again["repeat"] is True and again["matter_code"] == code and again["matter_state"] == "concluded"
    assert "不再重新受理" in again["notice"]


def test_the_registrar_can_name_the_matter(app: Any) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    joined = register(office, petitioner={"name": "赵六", "phone": "13500001111"}, matter_code=code)
    assert joined["repeat"] is True and joined["matter_code"] == code


def test_12345_demands_on_the_same_matter_are_linked(app: Any, session: Session) -> None:
    desk = staff(app)
    noise = intake(desk.operator)  # 张三, 13812341234: 广场舞噪音扰民
    office = client(app, "office")
    out = register(
        office,
        title="小区楼下广场舞噪音扰民",
        content="每天晚上九点后广场舞音响声音很大，打过12345仍然扰民，影响老人孩子休息。",
        petitioner={"name": "张三", "phone": "13812341234"},
    )
    assert noise in out["linked_cases"]
    links = session.scalars(select(PetitionCaseLink.reason)).all()
    assert "same_matter" in links
    matter = office.get(f"/api/petitions/matters/{out['matter_code']}").json()
    assert noise in matter["linked_cases"]


def test_a_citizen_escalates_his_own_demand_only(app: Any, session: Session) -> None:
    desk = staff(app)
    code = intake(desk.operator, citizen={"name": "王五", "phone": "13700005678"})
    browser = citizen(app)
    before = _matters(session)
    stolen = browser.post("/api/petitions/online", json={**ONLINE, "phone": "13700000000", "case_code": code})
    assert stolen.status_code == 422 and stolen.json()["error"]["field"] == "case_code"
    assert _matters(session) == before
    escalated = browser.post("/api/petitions/online", json={**ONLINE, "case_code": code})
    assert escalated.status_code == 201, escalated.text
    assert escalated.json()["linked_cases"] == [code]
    matter = client(app, "office").get(f"/api/petitions/matters/{escalated.json()['matter_code']}").json()
    assert matter["items"][0]["channel"] == "hotline" and matter["linked_cases"] == [code]
