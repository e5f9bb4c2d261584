"""The 信访 procedure end to end over HTTP, as the right actors, on both backends.

The letter below was received on Friday 26 September 2025, just before the National Day holiday
(1–8 October 2025, with 调休 working days on Sunday 28 September and Saturday 11 October); its
复核 runs over New Year 2026. Every deadline is checked against the working-day calendar.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from petitions.accounts import ONLINE, citizen, client, register, step
from zhili.petitions.models import PetitionMatter, PetitionStep
from zhili.petitions.states import RULES

RECEIVED = "2025-09-26T10:00:00+08:00"


def _due(matter: dict[str, Any]) -> str:
    return str(matter["due_at"])


def test_a_letter_through_every_step_to_its_end_with_working_day_deadlines(app: Any) -> None:
    office = client(app, "office")
    out = register(office, channel="letter", received_at=RECEIVED)
    code = out["matter_code"]
    assert out["repeat"] is False and out["matter_state"] == "registered"
    matter = office.get(f"/api/petitions/matters/{code}").json()
    # 15 working days from Fri 26 Sep: Sun 28 Sep (调休) counts, 1–8 Oct do not, Sat 11 Oct (调休) counts.
    assert _due(matter) == "2025-10-23T02:00:00Z"

    referred = step(
        office, code, "refer", unit="D110105-urban_management", mode="转送", at="2025-10-09T09:00:00+08:00"
    )
    assert referred["state"] == "referred" and referred["handling_unit"] == "朝阳区城市管理委员会"
    # The body decides on 受理 within 15 working days of receiving it (Sat 11 Oct counts).
    assert _due(referred) == "2025-10-29T01:00:00Z"

    body = client(app, "body")
    taken = step(body, code, "take", at="2025-10-13T09:00:00+08:00")
    assert taken["state"] == "handling"
    # 60 working days from Mon 13 Oct 2025.
    assert _due(taken) == "2026-01-06T01:00:00Z"

    extended = step(
        body, code, "extend", days=30, text="涉及多部门联合执法，需延期", at="2025-11-03T09:00:00+08:00"
    )
    assert extended["extended"] is True
    # 30 more working days after 6 Jan 2026, across the Spring Festival (15–23 Feb off).
    assert _due(extended) == "2026-02-24T01:00:00Z"
    again = body.post(f"/api/petitions/matters/{code}/extend", json={"days": 5, "text": "再延"})
    assert again.status_code == 409 and "只能延长一次" in again.json()["error"]["message"]

    replied = step(
        body, code, "reply", text="经核查，已依法取缔占道烧烤摊点。", at="2025-12-01T10:00:00+08:00"
    )
    assert replied["state"] == "replied" and replied["reply"].startswith("经核查")
    # The petitioner's 30 working days to ask for 复查, across New Year (1–3 Jan off, Sun 4 Jan worked).
    assert _due(replied) == "2026-01-13T02:00:00Z"

    reviewing = step(office, code, "request_review", unit="G110105", at="2025-12-05T10:00:00+08:00")
    assert reviewing["state"] == "reviewing" and "朝阳区人民政府" in reviewing["bodies"]
    assert _due(reviewing) == "2026-01-19T02:00:00Z"
    # The handling body cannot give the 复查 opinion; the review body can.
    assert body.post(f"/api/petitions/matters/{code}/review", json={"text": "维持"}).status_code == 403
    reviewed = step(
        client(app, "review_body"), code, "review", text="维持原处理意见。", at="2025-12-19T10:00:00+08:00"
    )
    assert reviewed["state"] == "reviewed" and reviewed["review_opinion"] == "维持原处理意见。"

    rechecking = step(office, code, "request_recheck", unit="M11-CGW", at="2026-01-05T10:00:00+08:00")
    assert rechecking["state"] == "rechecking"
    assert _due(rechecking) == "2026-02-14T02:00:00Z"  # the 30th working day is Sat 14 Feb (调休)
    done = step(
        client(app, "recheck_body"),
        code,
        "recheck",
        text="复核维持，事项终结。",
        at="2026-01-20T10:00:00+08:00",
    )
    assert done["state"] == "concluded" and done["due_at"] is None

    actions = [s["action"] for s in done["steps"]]
    assert actions == [
        "register",
        "refer",
        "take",
        "extend",
        "reply",
        "request_review",
        "review",
        "request_recheck",
        "recheck",
    ]
    # Once concluded, nothing more moves.
    assert office.post(f"/api/petitions/matters/{code}/accept", json={}).status_code == 409


def test_an_online_petition_to_its_reply_seen_on_the_tracking_page(app: Any) -> None:
    portal = citizen(app)
    submitted = portal.post("/api/petitions/online", json=ONLINE)
    assert submitted.status_code == 201, submitted.text
    petition_code, code = submitted.json()["code"], submitted.json()["matter_code"]
    office = client(app, "office")
    accepted = step(office, code, "accept")
    assert accepted["state"] == "handling" and accepted["handling_unit"] == "朝阳区信访办公室"
    step(office, code, "reply", text="已督促供热单位整改，室温已达标。")
    tracked = portal.get("/api/petitions/track", params={"code": petition_code, "phone_tail": "5678"})
    assert tracked.status_code == 200, tracked.text
    view = tracked.json()
    assert view["state_label"] == "已答复" and view["reply"] == "已督促供热单位整改，室温已达标。"
    assert [s["label"] for s in view["steps"]] == ["登记", "受理（本机关办理）", "出具答复意见书"]
    assert "王五" not in tracked.text and "13700005678" not in tracked.text
    wrong = portal.get("/api/petitions/track", params={"code": petition_code, "phone_tail": "0000"})
    assert wrong.status_code == 404


def test_a_referral_to_another_body_and_a_refusal_with_reason(app: Any) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    step(office, code, "refer", unit="D110105-environment", mode="交办")
    other = client(app, "other_body")
    refused = step(other, code, "refuse", text="该事项已进入诉讼程序，依法不予受理，请通过司法途径解决。")
    assert refused["state"] == "refused" and refused["refusal_reason"].startswith("该事项已进入诉讼程序")

    second = register(
        office,
        title="房屋征收补偿标准不合理",
        content="对本人房屋的征收补偿决定不服，要求提高补偿标准。",
        category="0101",
        division_code="110105011",
    )
    refusal = step(
        office, second["matter_code"], "refuse", text="不属于信访事项受理范围，已告知信访人向法院起诉。"
    )
    assert refusal["state"] == "refused" and refusal["due_at"] is None


def test_a_petitioners_windows_close_the_matter_when_they_pass(app: Any) -> None:
    office = client(app, "office")
    code = register(office, received_at=RECEIVED)["matter_code"]
    step(office, code, "accept", at="2025-10-09T09:00:00+08:00")
    step(office, code, "reply", text="已处理。", at="2025-10-20T09:00:00+08:00")
    early = office.post(f"/api/petitions/matters/{code}/conclude", json={"at": "2025-11-03T09:00:00+08:00"})
    assert early.status_code == 409 and "尚未届满" in early.json()["error"]["message"]
    late = office.post(
        f"/api/petitions/matters/{code}/request_review",
        json={"unit": "G110105", "at": "2025-12-20T09:00:00+08:00"},
    )
    assert late.status_code == 409 and "已超过申请复查的期限" in late.json()["error"]["message"]
    concluded = step(office, code, "conclude", at="2025-12-20T09:00:00+08:00")
    assert concluded["state"] == "concluded"


ILLEGAL = {
    # state → (the steps that bring a new matter there, its label)
    "registered": ([], "待处理"),
    "handling": ([("accept", {})], "办理中"),
    "replied": ([("accept", {}), ("reply", {"text": "已答复"})], "已答复"),
}


def test_illegal_transitions_are_refused_and_write_nothing(app: Any, session: Session) -> None:
    """Table-driven, as for cases: every action from every listed state it may not start from."""
    office = client(app, "office")
    for state, (path, label) in ILLEGAL.items():
        someone = {"name": f"信访人{state}", "phone": f"1390000{len(state):04d}"}
        code = register(office, petitioner=someone)["matter_code"]
        for action, body in path:
            step(office, code, action, **body)
        steps_before = session.scalar(select(func.count()).select_from(PetitionStep))
        refused = [name for name, rule in RULES.items() if state not in {s.value for s in rule.sources}]
        for action in refused:
            body = {"unit": "G110105", "text": "x", "days": 3, "mode": "转送"}
            response = office.post(f"/api/petitions/matters/{code}/{action}", json=body)
            assert response.status_code == 409, (state, action, response.text)
            assert f"事项当前为“{label}”" in response.json()["error"]["message"], action
        session.expire_all()
        matter = session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()
        assert matter.state.value == state
        assert session.scalar(select(func.count()).select_from(PetitionStep)) == steps_before
    unknown = office.post(f"/api/petitions/matters/{code}/approve", json={})
    assert unknown.status_code == 404 and "未知的办理环节" in unknown.json()["error"]["message"]
