"""Patrols end to end: a field event with a photo becomes a case with channel 网格巡查, a 核查 task goes
to the grid worker of the case's cell, and the figures set events found against complaints received."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import client
from grid.cells.wangjing import wangjing_cell
from support.cases import CASE_BODY, WANGJING_POINT, intake, staff
from zhili.cases.models import Attachment, Case
from zhili.grid.patrols.models import FieldEvent, VerificationTask

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PLAN_KEYS = {"id", "title", "cells", "weekdays"}
TASK_KEYS = {
    "id",
    "case_code",
    "cell",
    "assignee_id",
    "instructions",
    "status",
    "result",
    "result_label",
    "result_note",
}


def _event(c: Any, **fields: Any) -> Any:
    data = {
        "title": "井盖缺失",
        "description": "望京西园三区门口井盖缺失，存在安全隐患",
        "address": WANGJING_POINT["address"],
        "lat": str(WANGJING_POINT["lat"]),
        "lng": str(WANGJING_POINT["lng"]),
        **fields,
    }
    return c.post("/api/grid/events", data=data, files=[("photos", ("jinggai.png", PNG, "image/png"))])


def test_patrol_event_becomes_a_grid_case_and_is_verified(app: Any, session: Session) -> None:
    cell, _community = wangjing_cell(app, session)
    worker = client(app, "grid")
    plan = worker.post(
        "/api/grid/patrol-plans",
        json={"title": "望京西园日常巡查", "cells": [cell], "weekdays": [1, 3, 5], "starts_on": "2025-01-01"},
    )
    assert plan.status_code == 201, plan.text
    assert set(plan.json()) == PLAN_KEYS and plan.json()["weekdays"] == "1,3,5"
    patrol = worker.post("/api/grid/patrols", json={"plan_id": plan.json()["id"]})
    assert patrol.status_code == 201
    assert set(patrol.json()) == {"id", "started_at"}
    assert worker.post("/api/grid/patrols", json={}).status_code == 409  # one patrol at a time

    reported = _event(worker, patrol_id=str(patrol.json()["id"]))
    assert reported.status_code == 201, reported.text
    code = reported.json()["case_code"]
    assert reported.json()["cell"] == cell and reported.json()["photos"] == 1
    assert set(reported.json()) == {"event_id", "case_code", "cell", "photos", "community_code"}
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    assert case.channel.value == "grid" and case.state.value == "received"
    assert (
        session.execute(
            select(func.count()).select_from(Attachment).where(Attachment.case_id == case.id)
        ).scalar_one()
        == 1
    )
    ended = worker.post(f"/api/grid/patrols/{patrol.json()['id']}/end", json={"cells": [cell]})
    assert ended.status_code == 200
    assert set(ended.json()) == {"id", "cells", "ended_at"} and ended.json()["cells"] == [cell]
    plans = worker.get("/api/grid/patrol-plans").json()
    assert [p["title"] for p in plans] == ["望京西园日常巡查"]
    assert set(plans[0]) == PLAN_KEYS | {"starts_on", "ends_on"} and plans[0]["starts_on"] == "2025-01-01"
    patrols = worker.get("/api/grid/patrols").json()
    assert patrols[0]["cells"] == [cell] and patrols[0]["ended_at"] is not None
    assert set(patrols[0]) == {"id", "plan_id", "started_at", "ended_at", "cells", "note"}

    desk = staff(app)
    seen = desk.operator.get(f"/api/cases/{code}")
    assert seen.status_code == 200 and seen.json()["channel"] in ("grid", "网格巡查")

    # A citizen's complaint at the same place: the figures set events found against complaints received.
    intake(desk.operator)
    figures = worker.get("/api/grid/figures", params={"division": "110105026"}).json()
    row = next(r for r in figures if r["cell"] == cell)
    assert row["found"] == 1 and row["received"] >= 1
    assert set(row) == {"cell", "community_code", "found", "received"}

    dispatcher = client(app, "dispatcher")
    task = dispatcher.post(
        "/api/grid/verifications", json={"case_code": code, "instructions": "请核实井盖位置"}
    )
    assert task.status_code == 201, task.text
    assert set(task.json()) == TASK_KEYS and task.json()["status"] == "pending"
    assert dispatcher.post("/api/grid/verifications", json={"case_code": code}).status_code == 409
    mine = worker.get("/api/grid/verifications", params={"status": "pending"}).json()
    assert [t["case_code"] for t in mine] == [code] and set(mine[0]) == TASK_KEYS
    task_id = task.json()["id"]
    assert "提交核查结果" in worker.get("/grid").text
    stranger = client(app, "grid2").post(
        f"/api/grid/verifications/{task_id}/result", json={"result": "confirmed", "note": "x"}
    )
    assert stranger.status_code == 404
    done = worker.post(
        f"/api/grid/verifications/{task_id}/result", json={"result": "confirmed", "note": "井盖确实缺失"}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done" and done.json()["result_label"] == "情况属实"
    assert set(done.json()) == TASK_KEYS and done.json()["result"] == "confirmed"
    assert (
        worker.post(
            f"/api/grid/verifications/{task_id}/result", json={"result": "resolved", "note": "y"}
        ).status_code
        == 409
    )
    notes = [e.get("note") or "" for e in desk.operator.get(f"/api/cases/{code}").json()["events"]]
    assert any(n.startswith("现场核查：情况属实") for n in notes)


def test_bad_grid_inputs_write_nothing(app: Any, session: Session) -> None:
    wangjing_cell(app, session)
    worker = client(app, "grid")
    cases_before = session.execute(select(func.count()).select_from(Case)).scalar_one()
    no_lat = _event(worker, lat="")
    assert no_lat.status_code == 422 and no_lat.json()["error"]["field"] == "lat"
    not_image = worker.post(
        "/api/grid/events",
        data={
            "title": "t",
            "description": "d",
            "lat": str(WANGJING_POINT["lat"]),
            "lng": str(WANGJING_POINT["lng"]),
        },
        files=[("photos", ("x.png", b"not an image", "image/png"))],
    )
    assert not_image.status_code == 422 and not_image.json()["error"]["field"] == "photos"
    outside = _event(worker, lat="31.23", lng="121.47")  # Shanghai
    assert outside.status_code == 422 and outside.json()["error"]["field"] == "lat"
    assert session.execute(select(func.count()).select_from(Case)).scalar_one() == cases_before
    assert session.execute(select(func.count()).select_from(FieldEvent)).scalar_one() == 0

    desk = staff(app)
    clerk = desk.operator.post(
        "/api/grid/events", data={"title": "t", "description": "d", "lat": "39.99", "lng": "116.47"}
    )
    assert clerk.status_code == 403
    # A case in a cell without a grid worker cannot be sent for 核查.
    elsewhere = intake(desk.operator, lat=39.9289, lng=116.3883, address="北京市西城区西长安街")
    dispatcher = client(app, "dispatcher")
    refused = dispatcher.post("/api/grid/verifications", json={"case_code": elsewhere})
    assert refused.status_code == 409 and refused.json()["error"]["field"] == "case_code"
    no_point = intake(desk.operator, lat=None, lng=None)
    assert dispatcher.post("/api/grid/verifications", json={"case_code": no_point}).status_code == 422
    assert session.execute(select(func.count()).select_from(VerificationTask)).scalar_one() == 0
    assert CASE_BODY["channel"] == "电话"


def test_a_grid_worker_cannot_report_outside_their_jurisdiction(app: Any, session: Session) -> None:
    """A 酒仙桥 grid worker at 望京 coordinates: 403, and no case, event or photo is written."""
    before = {
        model: session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Case, FieldEvent, Attachment)
    }
    refused = _event(client(app, "grid_jxq"))
    assert refused.status_code == 403 and "网格范围" in refused.json()["error"]["message"]
    after = {
        model: session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (Case, FieldEvent, Attachment)
    }
    assert after == before
