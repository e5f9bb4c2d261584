"""A dispute's course over HTTP, as the right actors, on both backends: from a grid worker's field
event through 分流, two sessions and an agreement to a performed follow-up; a court's referral that
fails and goes back to the court; two neighbours' 12345 complaints as one dispute."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from grid.cells.wangjing import wangjing_cell
from mediation.accounts import AGREEMENT, PARTIES, SESSION, client, post, register, registry, step
from support.cases import WANGJING_POINT, intake

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _field_event(app: Any) -> dict[str, Any]:
    reported = client(app, "grid").post(
        "/api/grid/events",
        data={
            "title": "邻里因漏水发生争吵",
            "description": "望京西园三区两户居民因楼上漏水在楼道争吵，需要调解",
            "address": WANGJING_POINT["address"],
            "lat": str(WANGJING_POINT["lat"]),
            "lng": str(WANGJING_POINT["lng"]),
        },
        files=[("photos", ("loudao.png", PNG, "image/png"))],
    )
    assert reported.status_code == 201, reported.text
    return dict(reported.json())


def test_from_a_grid_event_through_two_sessions_to_a_performed_agreement(app: Any, session: Session) -> None:
    client(app, "worker")  # every account committed before the grid is written
    wangjing_cell(app, session)
    reg = registry(app)
    event = _field_event(app)
    promoted = register(
        client(app, "grid"), source="grid", field_event_id=event["event_id"], division_code=None
    )
    assert promoted["state"] == "registered" and promoted["linked_cases"] == [event["case_code"]]
    code = promoted["code"]

    worker = client(app, "worker")
    routed = step(worker, code, "route")
    assert routed["track"] == "people" and routed["committee"] == "望京街道人民调解委员会"
    assert routed["division_code"].startswith("110105026") and routed["state_label"] == "待调解"
    # The least-loaded mediator with the specialty is suggested first; give 赵 a dispute to tip it.
    other = register(worker)["code"]
    step(worker, other, "route")
    step(worker, other, "assign", mediator_id=reg["first"]["id"])
    suggested = worker.get(f"/api/mediation/disputes/{code}/suggested-mediators").json()
    assert [m["name"] for m in suggested] == ["钱调解", "赵调解"] and suggested[1]["load"] == 1
    assigned = step(worker, code, "assign")
    assert assigned["mediator"] == "钱调解"

    first = step(worker, code, "session", **SESSION)
    assert first["state"] == "mediating" and len(first["sessions"]) == 1
    second = step(
        worker,
        code,
        "session",
        place="望京西园三区居委会",
        attendees=[1, 2],
        notes="检测结论为楼上防水层破损，双方同意协商赔偿。",
    )
    assert [s["place"] for s in second["sessions"]] == ["望京街道调解室", "望京西园三区居委会"]
    agreed = step(worker, code, "succeed", **AGREEMENT)
    assert agreed["state"] == "agreed" and agreed["outcome"] == "success"
    applied = step(worker, code, "apply_confirmation", court="北京市朝阳区人民法院")
    assert applied["confirmation_label"] == "已申请司法确认"
    confirmed = step(worker, code, "confirmation_result", confirmed=True)
    assert confirmed["confirmation"] == "confirmed"
    done = step(worker, code, "follow_up", performed=True, notes="回访双方，防水已修复，赔偿款已付清。")
    assert done["state"] == "performed" and done["state_label"] == "协议已履行"
    assert [s["action"] for s in done["steps"]] == [
        "register",
        "route",
        "assign",
        "session",
        "session",
        "succeed",
        "apply_confirmation",
        "confirmation_result",
        "follow_up",
    ]
    street = client(app, "street")
    figures = {row["division_code"]: row for row in street.get("/api/mediation/figures").json()}
    row = figures["110105026"]
    assert (row["disputes"], row["concluded"], row["succeeded"], row["success_rate"]) == (2, 1, 1, 1.0)
    assert (row["followed_up"], row["performed"], row["performance_rate"], row["confirmed"]) == (1, 1, 1.0, 1)
    assert client(app, "dept").get("/api/mediation/figures").json() == []
    district = client(app, "district").get("/api/mediation/figures", params={"level": "district"}).json()
    assert [(r["division_code"], r["disputes"]) for r in district] == [("110105", 2)]


def test_a_court_referral_that_fails_goes_back_to_the_court(app: Any) -> None:
    registry(app)
    worker = client(app, "worker")
    code = register(
        worker,
        kind="land_housing",
        source="court",
        referring_body="北京市朝阳区人民法院",
        title="房屋买卖合同纠纷诉前调解",
        facts="原告诉被告房屋买卖合同纠纷，法院立案前委派诉前调解。",
    )["code"]
    routed = step(worker, code, "route")
    assert routed["track"] == "judicial" and routed["committee"] == "朝阳区人民法院诉调对接中心"
    assert step(worker, code, "assign")["mediator"] == "孙特邀"
    step(worker, code, "session", **SESSION)
    failed = step(worker, code, "fail", next_path="litigation", notes="双方对房价款分歧过大，无法达成一致。")
    assert failed["state"] == "failed" and failed["returned_to_court"] is True
    assert failed["next_path_label"] == "诉讼" and "退回北京市朝阳区人民法院" in failed["steps"][-1]["note"]
    pdf = worker.get(f"/api/mediation/disputes/{code}/agreement.pdf")
    assert pdf.status_code == 409 and "未达成调解协议" in pdf.json()["error"]["message"]


def test_two_neighbours_12345_complaints_become_one_dispute(app: Any) -> None:
    registry(app)
    operator = client(app, "operator")
    one = intake(operator, title="楼上漏水", description="楼上漏水导致我家墙面发霉，对方不肯维修。")
    two = intake(
        operator,
        title="楼下邻居堵门",
        description="楼下邻居因漏水问题天天来敲门吵闹。",
        citizen={"name": "吴二亮", "phone": "13933334444"},
    )
    worker = client(app, "worker")
    out = register(worker, source="hotline", case_codes=[one, two], parties=PARTIES)
    assert out["linked_cases"] == [one, two]
    detail = worker.get(f"/api/mediation/disputes/{out['code']}").json()
    assert detail["linked_cases"] == [one, two] and detail["source_label"] == "12345诉求转入"
    rules = post(
        client(app, "admin"),
        "/routing-rules",
        priority=5,
        kind="neighbour",
        track="administrative",
        note="试行：邻里纠纷由街道综合执法队调解",
    )
    assert rules["track_label"] == "行政调解"
    # The rules are data: the admin's new rule decides this dispute's 分流.
    routed = step(worker, out["code"], "route")
    assert routed["track"] == "administrative" and "按分流规则分流至行政调解" in routed["steps"][-1]["note"]
