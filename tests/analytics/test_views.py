"""Each view on small hand-made data, through the JSON API, with the actor's scope applied."""

from __future__ import annotations

from datetime import date

import h3
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from analytics import answers
from analytics.handmade import CELL_A, CELL_B, HAIDIAN, JIUXIANQIAO, WANGJING, case, write
from support.accounts import signed_in
from support.cases import staff
from zhili.analytics import rollup_build
from zhili.analytics.store import Store
from zhili.auth.models import Role
from zhili.divisions.models import Division
from zhili.taxonomy import repository as taxonomy

D1, D2, D3 = date(2025, 9, 1), date(2025, 9, 8), date(2025, 10, 6)


@pytest.fixture(params=["cases", "rollups"])
def data(store: Store, request: pytest.FixtureRequest) -> None:
    """The same rows, read from the cases themselves or from the rollups: the answers must agree."""
    write(
        store,
        [
            case(1, D1),
            case(2, D1, caller_key=5001, address_key=1001),  # case 1 has these keys too (1000/5000 + id)
            case(
                3,
                D2,
                caller_key=5001,
                address_key=1001,
                category="020101",
                keyword="油烟",
                sentiment=0.5,
                overdue=True,
                handle_hours=240.0,
                satisfaction="unsatisfied",
                visit_solved=False,
            ),
            case(
                4,
                D3,
                JIUXIANQIAO,
                channel="app",
                demand_type="consultation",
                h3_cell=h3.str_to_int(CELL_B),
                lead_unit="D110105-urban_management",
            ),
            case(
                5,
                D3,
                HAIDIAN,
                category="120501",
                keyword="暖气",
                state="contacted",
                closed_at=None,
                handle_hours=None,
                visit_solved=None,
                satisfaction=None,
                closure_kind=None,
            ),
        ],
    )
    if request.param == "rollups":
        rollup_build.rebuild(store, store.months())


def get(client: TestClient, path: str, **params: object) -> object:
    response = client.get(f"/api/analytics/{path}", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_volume_by_time_area_category_type_and_channel(app: FastAPI, data: None) -> None:
    c = staff(app).dispatcher
    assert get(c, "volume", by="month") == [
        {"key": "2025-09", "label": None, "count": 3},
        {"key": "2025-10", "label": None, "count": 2},
    ]
    assert [(r["key"], r["count"]) for r in get(c, "volume", by="week")] == [
        ("2025-09-01", 2),
        ("2025-09-08", 1),
        ("2025-10-06", 2),
    ]
    districts = get(c, "volume", by="district")
    assert districts[0] == {"key": "110105", "label": "朝阳区", "count": 4}
    streets = {r["key"]: r["count"] for r in get(c, "volume", by="street")}
    assert streets == {"110105026": 3, "110105011": 1, "110108001": 1}
    assert {r["key"]: r["count"] for r in get(c, "volume", by="channel")} == {"phone": 4, "app": 1}
    assert {r["label"]: r["count"] for r in get(c, "volume", by="demand_type")} == {"投诉": 4, "咨询": 1}
    assert get(c, "volume", by="category", category="0201") == [
        {"key": "020101", "label": "餐饮油烟", "count": 1}
    ]
    assert get(c, "volume", by="community", date_from="2025-10-01")[0]["count"] == 1
    assert sum(r["count"] for r in get(c, "volume", by="day", date_to="2025-09-08")) == 3
    # hours and weekdays stay numbers; a dimension without names (the lead unit) has no label
    assert get(c, "volume", by="hour") == [{"key": 10, "label": None, "count": 5}]
    assert get(c, "volume", by="weekday") == [{"key": 1, "label": None, "count": 5}]
    assert {r["key"]: r["label"] for r in get(c, "volume", by="lead_unit")}["S110105026"] is None
    for by in ("month", "week", "district", "community", "channel", "state", "lead_unit"):
        assert all(set(r) == answers.ROW for r in get(c, "volume", by=by)), by


def test_handling_time_and_overdue_rate(app: FastAPI, data: None) -> None:
    rows = {r["key"]: r for r in get(staff(app).dispatcher, "handling", by="street")}
    assert all(set(r) == answers.HANDLING for r in rows.values())
    wangjing = rows["110105026"]
    assert (wangjing["count"], wangjing["closed"]) == (3, 3)
    assert wangjing["mean_hours"] == pytest.approx((48 + 48 + 240) / 3)
    assert wangjing["overdue_rate"] == pytest.approx(1 / 3, abs=1e-4)
    assert wangjing["solved_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert wangjing["satisfied_rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert rows["110108001"]["closed"] == 0 and rows["110108001"]["mean_hours"] is None


def test_hotspots_districts_and_h3_cells(app: FastAPI, data: None) -> None:
    c = staff(app).dispatcher
    districts = {r["key"]: r for r in get(c, "hotspots/districts")}
    assert all(set(r) == answers.DISTRICT for r in districts.values())
    assert districts["110105"]["count"] == 4
    assert districts["110105"]["population"] == 3_452_460  # the shipped census, loaded by init
    assert districts["110105"]["per_10k"] == round(4 / (3_452_460 / 10_000), 2)
    for resolution in (5, 7, 9):
        cells = {r["cell"]: r["count"] for r in get(c, "hotspots/cells", resolution=resolution)}
        assert cells == {
            h3.cell_to_parent(CELL_A, resolution): 4,
            h3.cell_to_parent(CELL_B, resolution): 1,
        } or cells == {h3.cell_to_parent(CELL_A, resolution): 5}
    assert get(c, "hotspots/cells", resolution=9)[0]["cell"] == h3.cell_to_parent(CELL_A, 9)
    assert all(set(r) == answers.CELL for r in get(c, "hotspots/cells", resolution=7))


def test_top_problems_with_keywords(app: FastAPI, data: None) -> None:
    top = get(staff(app).dispatcher, "top-problems")
    assert top[0]["category"] == "020201" and top[0]["count"] == 3 and top[0]["streets"] == 2
    assert top[0]["keywords"] == [{"keyword": "噪音", "count": 3}]
    assert all(set(t) == answers.TOP_PROBLEM for t in top)
    assert all(set(k) == answers.KEYWORD for t in top for k in t["keywords"])


def test_labels_are_the_names_in_the_tables(app: FastAPI, session: Session, data: None) -> None:
    """A category renamed on the admin page and a renamed street show their new names at once."""
    c = staff(app).dispatcher  # first: staff accounts are committed on a connection of their own
    category = taxonomy.by_code(session, "020201")
    assert category is not None
    admin = signed_in(app, session, "labels_admin", Role.admin)
    form = {"name": "噪声扰民（新名）", "default_unit_type": category.default_unit_type or "", "active": "1"}
    renamed = admin.post("/admin/categories/020201", data=form, follow_redirects=False)
    assert renamed.status_code == 303, renamed.text
    street = session.get(Division, WANGJING[1])
    assert street is not None
    street.name = "望京街道（新名）"
    session.flush()
    assert {r["key"]: r["label"] for r in get(c, "volume", by="category")}["020201"] == "噪声扰民（新名）"
    assert get(c, "top-problems")[0]["label"] == "噪声扰民（新名）"
    assert get(c, "volume", by="category_l1")[0] == {"key": "02", "label": "环境保护", "count": 4}
    assert get(c, "handling", by="street")[0]["label"] == "望京街道（新名）"
    callers = get(c, "repeats/callers", minimum=2, date_from="2025-09-01")
    assert callers["top"][0]["street_label"] == "望京街道（新名）"


def test_repeats_without_identity(app: FastAPI, data: None) -> None:
    c = staff(app).dispatcher
    addresses = get(c, "repeats/addresses", minimum=2)
    assert len(addresses) == 1
    repeat = addresses[0]
    assert repeat["count"] == 3 and repeat["community"] == WANGJING[2] and repeat["categories"] == 2
    assert repeat["token"].startswith("A") and "1001" not in repeat["token"]
    assert set(repeat) == answers.ADDRESS and (repeat["first"], repeat["last"]) == (
        "2025-09-01",
        "2025-09-08",
    )
    recent = get(c, "repeats/callers", minimum=2)  # by default the last 30 days: October only
    assert {b["bucket"]: b["callers"] for b in recent["distribution"]} == {"1": 2}
    callers = get(c, "repeats/callers", minimum=2, date_from="2025-09-01")
    assert {b["bucket"]: b["callers"] for b in callers["distribution"]} == {"1": 2, "3-5": 1}
    assert callers["top"][0]["count"] == 3 and callers["top"][0]["street"] == WANGJING[1]
    assert set(callers["top"][0]) == answers.CALLER
    assert set(callers) == answers.CALLERS
    assert all(set(b) == answers.CALLER_BUCKET for b in callers["distribution"])


def test_sentiment_over_time(app: FastAPI, data: None) -> None:
    rows = get(staff(app).dispatcher, "sentiment", by="month")
    assert rows[0]["key"] == "2025-09" and rows[0]["mean"] == pytest.approx(-0.5)
    assert rows[0]["negative_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert rows[0]["count"] == 3 and all(set(r) == answers.SENTIMENT for r in rows)


def test_street_staff_see_their_street_only(app: FastAPI, data: None) -> None:
    s = staff(app)
    assert get(s.street, "volume", by="street") == [{"key": "110105026", "label": "望京街道", "count": 3}]
    assert get(s.other_street, "volume", by="street") == [
        {"key": "110105011", "label": "酒仙桥街道", "count": 1}
    ]
    districts = {r["key"]: r["count"] for r in get(s.dept, "volume", by="district")}
    assert districts == {"110105": 1}  # a department (assignment-only): the cases it leads


def test_bad_requests_are_refused_clearly(app: FastAPI, client: TestClient, data: None) -> None:
    assert client.get("/api/analytics/volume").status_code == 401
    c = staff(app).dispatcher
    for params, field in (
        ({"by": "password"}, "by"),
        ({"date_from": "2025-10-01", "date_to": "2025-09-01"}, "date_from"),
        ({"date_from": "昨天"}, "date_from"),
        ({"district": "朝阳"}, "district"),
    ):
        response = c.get("/api/analytics/volume", params=params)
        assert response.status_code == 422, params
        assert response.json()["error"]["field"] == field
    response = c.get("/api/analytics/hotspots/cells", params={"resolution": 12})
    assert response.status_code == 422 and response.json()["error"]["field"] == "resolution"


def test_empty_store_answers_empty_views(app: FastAPI) -> None:
    c = staff(app).dispatcher
    assert get(c, "volume", by="month") == []
    assert get(c, "repeats/callers")["top"] == []
