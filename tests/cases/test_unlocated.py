"""兜底 (issue 16, failure 1): a demand that cannot be located is never out of sight.

Through every channel, an unresolvable address lands in the receiving centre's 待定位 queue, read
by the staff who took it and that centre's dispatchers (and nobody else); the dispatcher sets its
place, and it flows on. An address or point outside the city is a 400 for Open311 and the portal; an
operator is warned, and may still take it.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from open311.conftest import BASE, FORM, assert_errors, issue_key
from support.accounts import signed_in
from support.cases import CASE_BODY, WANGJING, act, staff
from zhili.auth.models import Role
from zhili.cases.context import CaseContext
from zhili.cases.importer.service import import_cases
from zhili.cases.models import Case
from zhili.units.models import Unit

NOWHERE = "幸福小区3号楼"  # no district, street or community of the city named
SHANGHAI = "上海市黄浦区南京东路1号"
UNLOCATED = {**CASE_BODY, "lat": None, "lng": None, "address": NOWHERE}


def _count(session: Session) -> int:
    session.expire_all()
    return int(session.execute(select(func.count()).select_from(Case)).scalar_one())


def _case(session: Session, **where: Any) -> Case:
    session.expire_all()
    return session.execute(select(Case).filter_by(**where).order_by(Case.id.desc()).limit(1)).scalar_one()


def _citizen(app: Any) -> TestClient:
    """A browser on the portal: it has the page's CSRF token."""
    client = TestClient(app)
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/portal").text)
    assert token is not None
    client.headers["X-CSRF-Token"] = token.group(1)
    return client


def _queue(client: TestClient) -> set[str]:
    return {c["code"] for c in client.get("/api/cases/unlocated").json()["items"]}


def test_every_channel_lands_in_the_centres_queue_and_flows_on(
    app: Any, session: Session, settings: Any, tmp_path: Path
) -> None:
    s = staff(app, session)
    c11 = session.execute(select(Unit.id).where(Unit.code == "C11")).scalar_one()
    codes: dict[str, str] = {}

    # Phone and web, through POST /api/cases: the operator is told, and still reads it (was 404).
    for channel in ("电话", "网站"):
        answer = s.operator.post("/api/cases", json={**UNLOCATED, "channel": channel})
        assert answer.status_code == 201, answer.text
        assert answer.json()["located"] is False and "待定位" in answer.json()["warning"]
        codes[channel] = answer.json()["code"]
        assert s.operator.get(f"/api/cases/{codes[channel]}").status_code == 200
    # The operator's form, the portal, Open311 and an import.
    form = {"demand_type": "help", "channel": "phone", "title": "路灯不亮", "description": "门口路灯坏了"}
    page = s.operator.post("/work/intake", data={**form, "address": NOWHERE})
    assert page.status_code == 201 and "待定位" in page.text
    codes["form"] = _case(session, created_by="op_a").code
    portal = _citizen(app).post("/portal", data={**form, "address": NOWHERE, "phone": "13812341234"})
    assert portal.status_code == 201, portal.text
    codes["portal"] = _case(session, created_by="portal").code
    key = issue_key(session, "o311_app", Role.api_client, "C11")
    filed = TestClient(app).post(
        f"{BASE}/requests.json",
        data={**FORM, "lat": "", "long": "", "address_string": NOWHERE, "api_key": key},
    )
    assert filed.status_code == 200, filed.text
    codes["open311"] = filed.json()[0]["service_request_id"]
    path = tmp_path / "legacy.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        row = {"demand_type": "求助", "channel": "电话", "title": "历史待定位", "description": "无地址"}
        writer = csv.DictWriter(handle, fieldnames=[*row, "address", "received_at", "state"])
        writer.writeheader()
        writer.writerow({**row, "address": NOWHERE, "received_at": "2025-03-05 16:00:00", "state": "已受理"})
    import_cases(session, CaseContext.for_settings(settings), path)
    codes["import"] = _case(session, title="历史待定位").code

    for code in codes.values():
        assert _case(session, code=code).receiving_unit_id == c11
    assert set(codes.values()) <= _queue(s.dispatcher)
    # Nobody else: a street, a department, another centre.
    chaoyang = signed_in(app, session, "chaoyang_disp", Role.dispatcher, "C110105")
    for outsider in (s.street, s.dept, chaoyang):
        assert outsider.get(f"/api/cases/{codes['portal']}").status_code == 404
    assert not set(codes.values()) & _queue(chaoyang)
    board = s.dispatcher.get("/work/dispatch")
    assert all(f'data-testid="locate-address-{code}"' in board.text for code in codes.values())

    # Dispatch waits for a place; the dispatcher sets it, and the case flows on.
    code = codes["portal"]
    refused = act(s.dispatcher, code, "dispatch", expect=409, lead_unit=WANGJING)
    assert refused["error"]["field"] == "division"
    act(s.dispatcher, code, "locate", expect=422, address=NOWHERE)
    placed = act(s.dispatcher, code, "locate", address="朝阳区望京街道望京西园三区", note="市民补充地址")
    assert placed["street_code"] == "110105026" and placed["events"][-1]["action"] == "locate"
    assert code not in _queue(s.dispatcher)
    recommendation = s.dispatcher.get(f"/api/cases/{code}/recommendation").json()
    assert "110105" in recommendation["lead_unit"]  # routed where it now lies (朝阳区)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    assert s.street.get(f"/api/cases/{code}").json()["state"] == "dispatched"
    # A matter of the whole city is placed at the city itself; a web form sets a street by code.
    assert act(s.dispatcher, codes["import"], "locate", division="11")["district_code"] is None
    web = s.dispatcher.post(f"/cases/{codes['form']}/act/locate", data={"division": "110105026"})
    assert web.status_code in (200, 303), web.text
    assert _case(session, code=codes["form"]).street_code == "110105026"


def test_a_field_worker_keeps_sight_and_the_district_centre_receives(app: Any, session: Session) -> None:
    # Signed in before anything is written: the first sign-in of a worker writes the staff accounts
    # through a second connection, which SQLite would refuse while this test's transaction writes.
    centre = staff(app, session).dispatcher
    worker = signed_in(app, session, "gw_unlocated", Role.grid_worker, WANGJING)
    district = signed_in(app, session, "chaoyang_disp2", Role.dispatcher, "C110105")
    answer = worker.post("/api/cases", json={**UNLOCATED, "channel": "网格巡查"})
    assert answer.status_code == 201, answer.text
    code = answer.json()["code"]
    assert worker.get(f"/api/cases/{code}").status_code == 200
    assert code in _queue(district)
    assert code not in _queue(centre)


def test_outside_the_city(app: Any, session: Session) -> None:
    s = staff(app, session)
    before = _count(session)
    # Open311 and the portal: a clear 400, nothing written.
    key = issue_key(session, "o311_out", Role.api_client, "C11")
    out = TestClient(app).post(
        f"{BASE}/requests.xml",
        data={**FORM, "lat": "", "long": "", "address_string": SHANGHAI, "api_key": key},
    )
    assert_errors(out, "xml", 400, "address_string", "上海市")
    far = TestClient(app).post(
        f"{BASE}/requests.json", data={**FORM, "lat": "31.2304", "long": "121.4737", "api_key": key}
    )
    assert_errors(far, "json", 400, "lat")
    form = {"demand_type": "help", "title": "t", "description": "d", "phone": "13812341234"}
    portal = _citizen(app).post("/portal", data={**form, "address": SHANGHAI})
    assert portal.status_code == 400 and "不在本市范围内" in portal.text
    pinned = _citizen(app).post("/portal", data={**form, "lat": "31.2304", "lng": "121.4737"})
    assert pinned.status_code == 400 and 'data-testid="error-lat"' in pinned.text
    # The operator is warned, and may still take it: it waits in 待定位.
    warned = s.operator.post("/api/cases", json={**CASE_BODY, "lat": None, "lng": None, "address": SHANGHAI})
    assert warned.status_code == 422 and "outside_city" in warned.json()["error"]["message"]
    assert _count(session) == before
    taken = s.operator.post(
        "/api/cases", json={**CASE_BODY, "lat": 31.2304, "lng": 121.4737, "outside_city": True}
    )
    assert taken.status_code == 201 and taken.json()["located"] is False
    assert "不在本市范围内" in taken.json()["warning"]
    assert taken.json()["code"] in _queue(s.dispatcher)
