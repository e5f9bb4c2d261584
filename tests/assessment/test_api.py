"""The assessment API: publishing frozen versions, rules, league tables, drill-down, trends, exports."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from assessment.factory import DAY, call_co, make_case
from support.accounts import login, make_user
from support.cases import CHAOYANG_CGW, JIUXIANQIAO, WANGJING, staff
from zhili.assessment.models import AssessmentRun, RuleSetRow
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.cases.models import Case
from zhili.cases.states import ClosureKind, Satisfaction

S = Satisfaction


def user_client(app: Any, session: Session, name: str, role: Role) -> TestClient:
    make_user(session, name, role, "C11")
    client = TestClient(app)
    login(client, name)
    return client


def october(session: Session) -> None:
    """望京: 2 cases, one late and unsolved (响应 .5, 解决 .5, 满意 .5 -> 50); 酒仙桥: 1 perfect case."""
    make_case(session, WANGJING)
    make_case(session, WANGJING, late=True, solved=False, satisfaction=S.unsatisfied)
    make_case(session, JIUXIANQIAO)


def rows_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["unit_code"]: row for row in body["rows"]}


def count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_publish_freezes_and_recompute_after_a_rule_change_adds_a_version(app: Any, session: Session) -> None:
    october(session)
    sup = user_client(app, session, "assess_sup", Role.supervisor)
    admin = user_client(app, session, "assess_admin", Role.admin)
    first = sup.post("/api/assessment/runs", json={"month": "2026-10"})
    assert first.status_code == 201, first.text
    v1 = first.json()
    assert (v1["run"]["version"], v1["run"]["case_count"]) == (1, 3)
    wj = rows_of(v1)[WANGJING]
    assert (wj["rank"], wj["composite"], wj["response_rate"]) == (2, 50.0, 0.5)
    assert rows_of(v1)[JIUXIANQIAO]["rank"] == 1

    # Later edits to cases do not change the published month; the live view shows them.
    session.execute(update(Case).where(Case.lead_unit_id.is_not(None)).values(satisfaction=S.satisfied))
    frozen = sup.get("/api/assessment/league", params={"month": "2026-10", "league": "street"}).json()
    assert rows_of(frozen)[WANGJING]["satisfaction_rate"] == 0.5
    live = sup.get("/api/assessment/live", params={"month": "2026-10"}).json()
    assert live["run"] is None and rows_of(live)[WANGJING]["satisfaction_rate"] == 1.0

    rules = sup.get("/api/assessment/rules").json()
    assert rules["rule_set_id"] is None and rules["rules"]["weight_response"] == 0.2
    changed = {**rules["rules"], "weight_response": 0.0, "weight_resolution": 0.5, "weight_satisfaction": 0.5}
    saved = admin.put("/api/assessment/rules", json={"rules": changed, "note": "暂不考核响应率"})
    assert saved.status_code == 200, saved.text
    second = sup.post("/api/assessment/runs", json={"month": "2026-10", "note": "按新规则重算"}).json()
    assert second["run"]["version"] == 2
    assert second["run"]["rules"]["weight_response"] == 0.0
    assert rows_of(second)[WANGJING]["composite"] == 75.0  # 100 x (0.5 x 0.5 + 0.5 x 1.0)

    old = sup.get("/api/assessment/league", params={"month": "2026-10", "version": 1}).json()
    assert old["run"]["rules"]["weight_response"] == 0.2
    assert rows_of(old)[WANGJING]["composite"] == 50.0
    latest = sup.get("/api/assessment/league", params={"month": "2026-10"}).json()
    assert latest["run"]["version"] == 2
    runs = sup.get("/api/assessment/runs", params={"period": "2026-10"}).json()
    assert [r["version"] for r in runs] == [2, 1]
    actions = session.execute(
        select(AuditEntry.action).where(AuditEntry.action.like("assessment.%")).order_by(AuditEntry.seq)
    ).scalars()
    assert list(actions) == ["assessment.publish", "assessment.rules", "assessment.publish"]


def test_change_against_the_previous_month(app: Any, session: Session) -> None:
    sep = DAY.replace(month=9)
    make_case(session, WANGJING, closed_at=sep)
    make_case(session, JIUXIANQIAO, closed_at=sep, solved=False)
    october(session)
    sup = user_client(app, session, "assess_sup", Role.supervisor)
    # September never published: the change is computed against it live.
    live = rows_of(sup.get("/api/assessment/live", params={"month": "2026-10"}).json())
    assert (live[WANGJING]["previous_rank"], live[WANGJING]["rank_change"]) == (1, -1)
    assert sup.post("/api/assessment/runs", json={"month": "2026-09"}).status_code == 201
    october_rows = rows_of(sup.post("/api/assessment/runs", json={"month": "2026-10"}).json())
    wj, jxq = october_rows[WANGJING], october_rows[JIUXIANQIAO]
    assert (wj["rank_change"], wj["composite_change"]) == (-1, -50.0)
    assert (jxq["rank_change"], jxq["previous_composite"]) == (1, 60.0)
    trend = sup.get("/api/assessment/trend", params={"unit": WANGJING, "from": "2026-09", "to": "2026-10"})
    assert [(p["period"], p["rank"]) for p in trend.json()["points"]] == [("2026-09", 1), ("2026-10", 2)]
    league = sup.get(
        "/api/assessment/trend/league", params={"league": "street", "from": "2026-09", "to": "2026-10"}
    )
    assert [(p["period"], p["units"], p["average_composite"]) for p in league.json()] == [
        ("2026-09", 2, 80.0),
        ("2026-10", 2, 75.0),
    ]


def test_any_date_range_can_be_assessed(app: Any, session: Session) -> None:
    october(session)
    sup = user_client(app, session, "assess_sup", Role.supervisor)
    body = sup.get("/api/assessment/live", params={"start": "2026-10-15", "end": "2026-10-15"}).json()
    assert body["period"] == "2026-10-15~2026-10-15"
    assert rows_of(body)[WANGJING]["case_count"] == 2
    empty = sup.get("/api/assessment/live", params={"start": "2026-10-16", "end": "2026-10-31"}).json()
    assert empty["rows"] == []


def test_drill_down_explains_each_rate_within_the_actor_scope(app: Any, session: Session) -> None:
    s = staff(app, session)  # signs the staff in first: that commits accounts on its own connection
    october(session)
    params = {"unit": WANGJING, "month": "2026-10"}
    for rate, expected in (("response", 0.5), ("resolution", 0.5), ("satisfaction", 0.5)):
        body = s.street.get("/api/assessment/drilldown", params={**params, "rate": rate}).json()
        assert (body["total"], body["counted"], body["rate_value"]) == (2, 2, expected), body
        assert sorted(item["credit"] for item in body["items"]) == [0, 1]
        for item in body["items"]:
            assert not {"citizen", "citizen_name", "citizen_phone", "title", "description"} & set(item)
    # Another street sees none of 望京's cases behind the number.
    other = s.other_street.get("/api/assessment/drilldown", params={**params, "rate": "response"}).json()
    assert other["total"] == 0
    bad = s.street.get("/api/assessment/drilldown", params={**params, "rate": "speed"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "rate"


def test_exports_open_with_chinese_headers(app: Any, session: Session) -> None:
    october(session)
    sup = user_client(app, session, "assess_sup", Role.supervisor)
    sup.post("/api/assessment/runs", json={"month": "2026-10"})
    raw = sup.get("/api/assessment/export", params={"month": "2026-10", "format": "csv"})
    assert raw.status_code == 200 and raw.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert table[0][:6] == ["类别", "排名", "单位编码", "单位名称", "诉求件数", "响应率(%)"]
    assert table[1][:5] == ["街道乡镇", "1", JIUXIANQIAO, "酒仙桥街道办事处", "1"]
    assert table[2][5] == "50.0"
    book = sup.get("/api/assessment/export", params={"month": "2026-10"})
    assert "attachment" in book.headers["content-disposition"]
    workbook = load_workbook(io.BytesIO(book.content))
    assert workbook.sheetnames == ["街道乡镇", "区级部门", "市级部门", "公共服务企业", "考核规则"]
    sheet = workbook["街道乡镇"]
    assert [c.value for c in sheet[1]][:4] == ["排名", "单位编码", "单位名称", "诉求件数"]
    assert [c.value for c in sheet[3]][:3] == [2, WANGJING, "望京街道办事处"]
    rules = {row[0].value: row[1].value for row in workbook["考核规则"].iter_rows(min_row=2)}
    assert rules["响应率权重"] == 0.2 and rules["考核期"] == "2026-10"


def test_bad_inputs_are_refused_and_nothing_is_written(app: Any, session: Session) -> None:
    s = staff(app, session)  # signs the staff in first: that commits accounts on its own connection
    october(session)
    sup = user_client(app, session, "assess_sup", Role.supervisor)
    admin = user_client(app, session, "assess_admin", Role.admin)
    refused = s.dispatcher.post("/api/assessment/runs", json={"month": "2026-10"})
    assert refused.status_code == 403 and "发布考核排名" in refused.json()["error"]["message"]
    for body, field in (
        ({"month": "2026-13"}, "month"),
        ({"month": "2026-10", "start": "2026-10-01"}, "month"),
        ({"start": "2026-10-01"}, "end"),
        ({"start": "2026-10-09", "end": "2026-10-01"}, "end"),
        ({}, "month"),
    ):
        response = sup.post("/api/assessment/runs", json=body)
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["field"] == field and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert count(session, AssessmentRun) == 0
    missing = sup.get("/api/assessment/league", params={"month": "2026-10"})
    assert missing.status_code == 404 and "尚未发布" in missing.json()["error"]["message"]

    rules = sup.get("/api/assessment/rules").json()["rules"]
    assert sup.put("/api/assessment/rules", json={"rules": rules}).status_code == 403
    too_big = admin.put("/api/assessment/rules", json={"rules": {**rules, "weight_response": 2}})
    assert too_big.status_code == 422 and "weight_response" in too_big.json()["error"]["field"]
    zero = {**rules, "weight_response": 0, "weight_resolution": 0, "weight_satisfaction": 0}
    none = admin.put("/api/assessment/rules", json={"rules": zero})
    assert none.status_code == 422 and "权重" in none.json()["error"]["message"]
    unknown = admin.put("/api/assessment/rules", json={"rules": {**rules, "bonus": 1}})
    assert unknown.status_code == 422
    assert count(session, RuleSetRow) == 0
    citizen_view = TestClient(app).get("/api/assessment/league", params={"month": "2026-10"})
    assert citizen_view.status_code == 401
    assert (
        s.street.get(
            "/api/assessment/trend", params={"unit": CHAOYANG_CGW, "from": "2026-10", "to": "2026-01"}
        ).status_code
        == 422
    )


def test_drill_down_adds_up_to_every_number_of_the_row(app: Any, session: Session) -> None:
    s = staff(app, session)
    october(session)
    make_case(session, WANGJING, reopens=2, satisfaction=S.basically_satisfied)
    make_case(session, WANGJING, closure=ClosureKind.unreachable, solved=None, satisfaction=None)
    helped = make_case(session, JIUXIANQIAO)
    call_co(session, helped, WANGJING, late=True)
    call_co(session, make_case(session, JIUXIANQIAO), WANGJING)
    row = rows_of(s.dispatcher.get("/api/assessment/live", params={"month": "2026-10"}).json())[WANGJING]
    expected = {
        "response": (row["response_total"], row["response_rate"]),
        "resolution": (row["resolution_total"], row["resolution_rate"]),
        "satisfaction": (row["satisfaction_total"], row["satisfaction_rate"]),
        "checkin": (row["checkin_total"], row["checkin_rate"]),
    }
    assert expected["resolution"] == (5, 2 / 5)  # 3 answered + 2 earlier rounds; the unreachable one left out
    for rate, (total, value) in expected.items():
        body = s.dispatcher.get(
            "/api/assessment/drilldown", params={"unit": WANGJING, "month": "2026-10", "rate": rate}
        ).json()
        assert body["counted"] == total, rate
        assert body["rate_value"] == pytest.approx(value), rate
    # The street itself reads the calls it answered on another street's cases (it was called in).
    own = s.street.get(
        "/api/assessment/drilldown", params={"unit": WANGJING, "month": "2026-10", "rate": "checkin"}
    )
    assert (own.json()["counted"], own.json()["credit"]) == (2, 1)
