"""预警/超期 by the sweep, 积案 with 领导包案, and the 领导接访日 / 下访 calendar."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import wangjing_communities
from petitions.accounts import client, register, step, username
from zhili.petitions.models import PetitionMatter
from zhili.petitions.sweep import sweep_petitions
from zhili.petitions.tasks import sweep_petitions_once


def _matter(session: Session, code: str) -> PetitionMatter:
    session.expire_all()
    return session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()


def test_the_sweep_flags_warning_then_overdue_and_clears_after_the_step(app: Any, session: Session) -> None:
    office = client(app, "office")
    code = register(office, received_at="2025-09-26T10:00:00+08:00")["matter_code"]  # due 23 Oct 10:00
    early = sweep_petitions(session, datetime(2025, 10, 1, tzinfo=UTC), 0.8)
    assert (_matter(session, code).warning, _matter(session, code).overdue) == (False, False)
    near = sweep_petitions(session, datetime(2025, 10, 21, tzinfo=UTC), 0.8)
    assert near.warned >= 1 and (_matter(session, code).warning, _matter(session, code).overdue) == (
        True,
        False,
    )
    late = sweep_petitions(session, datetime(2025, 10, 24, tzinfo=UTC), 0.8)
    assert late.overdue >= 1 and (_matter(session, code).warning, _matter(session, code).overdue) == (
        False,
        True,
    )
    listed = office.get("/api/petitions/matters").json()
    assert next(m for m in listed if m["code"] == code)["overdue"] is True
    # Deciding starts a new step on a new deadline; the flag goes with the old one.
    step(office, code, "accept", at="2025-10-24T09:00:00+08:00")
    assert _matter(session, code).overdue is False
    again = sweep_petitions(session, datetime(2025, 10, 27, tzinfo=UTC), 0.8)
    assert (_matter(session, code).warning, _matter(session, code).overdue) == (False, False)
    assert early.examined >= 1 and again.overdue == 0
    # The decision came after its deadline: counted as late in the figures.
    assert _matter(session, code).decided_on_time is False


def test_the_petitioners_window_carries_no_flag(app: Any, session: Session) -> None:
    office = client(app, "office")
    code = register(office, received_at="2025-09-26T10:00:00+08:00")["matter_code"]
    step(office, code, "accept", at="2025-10-09T09:00:00+08:00")
    step(office, code, "reply", text="已处理", at="2025-10-20T09:00:00+08:00")
    sweep_petitions(session, datetime(2026, 6, 1, tzinfo=UTC), 0.8)
    assert (_matter(session, code).warning, _matter(session, code).overdue) == (False, False)


def test_backlog_with_a_leader_who_answers_for_it(app: Any, session: Session) -> None:
    office = client(app, "office")
    old = register(office, received_at="2025-01-10T10:00:00+08:00")["matter_code"]
    fresh = register(
        office,
        title="路灯不亮",
        content="望京某路段路灯连续一周不亮，夜间出行不安全。",
        petitioner={"name": "赵六", "phone": "13500001111"},
    )["matter_code"]
    backlog = office.get("/api/petitions/backlog").json()
    assert (
        [m["code"] for m in backlog] == [old]
        and backlog[0]["age_days"] > 300
        and backlog[0]["leader"] is None
    )
    assert fresh not in [
        m["code"] for m in office.get("/api/petitions/backlog", params={"min_age_days": 1}).json()
    ]
    assert office.get("/api/petitions/backlog", params={"min_age_days": 0}).status_code == 422

    not_a_leader = office.put(f"/api/petitions/matters/{old}/leader", json={"username": username("operator")})
    assert not_a_leader.status_code == 422 and "不是领导账号" in not_a_leader.json()["error"]["message"]
    nobody = office.put(f"/api/petitions/matters/{old}/leader", json={"username": "nobody_here"})
    assert nobody.status_code == 422 and nobody.json()["error"]["field"] == "username"
    no_leader_yet = office.post(
        f"/api/petitions/matters/{old}/leader-actions", json={"kind": "meeting", "note": "x"}
    )
    assert no_leader_yet.status_code == 409

    assert (
        office.put(f"/api/petitions/matters/{old}/leader", json={"username": username("leader")}).status_code
        == 200
    )
    leader = client(app, "leader")
    met = leader.post(
        f"/api/petitions/matters/{old}/leader-actions",
        json={"kind": "meeting", "note": "召集城管、街道召开协调会，明确三日内取缔。", "place": "望京街道办"},
    )
    assert met.status_code == 201, met.text
    recorded = office.post(
        f"/api/petitions/matters/{old}/leader-actions",
        json={
            "kind": "reception",
            "note": "包案领导约见信访人，当面听取诉求。",
            "at": "2025-12-01T10:00:00+08:00",
        },
    )
    assert recorded.status_code == 201, recorded.text
    other = client(app, "other_leader").post(
        f"/api/petitions/matters/{old}/leader-actions", json={"kind": "meeting", "note": "越权"}
    )
    assert other.status_code == 404
    detail = leader.get(f"/api/petitions/matters/{old}").json()
    assert detail["leader"] == username("leader")
    assert [a["kind_label"] for a in detail["leader_actions"]] == ["接访", "协调会"]
    assert office.get("/api/petitions/backlog").json()[0]["leader"] == username("leader")
    page = office.get("/petitions/backlog")
    assert page.status_code == 200 and old in page.text and "信访积案" in page.text


def test_the_reception_calendar(app: Any, session: Session) -> None:
    office = client(app, "office")
    (community,) = wangjing_communities(session, 1)
    slot = {
        "kind": "field_visit",
        "leader": username("leader"),
        "division_code": community,
        "starts_at": "2025-11-05T09:00:00+08:00",
        "ends_at": "2025-11-05T11:30:00+08:00",
        "place": "望京西园社区居委会",
    }
    planned = office.post("/api/petitions/receptions", json=slot)
    assert planned.status_code == 201, planned.text
    reception_id = planned.json()["id"]
    assert planned.json()["kind_label"] == "下访"
    for change, field in (
        ({"ends_at": "2025-11-05T08:00:00+08:00"}, "ends_at"),
        ({"division_code": "110108001"}, "division_code"),
        ({"leader": username("operator")}, "leader"),
    ):
        bad = office.post("/api/petitions/receptions", json={**slot, **change})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field, bad.text
    future = office.post(
        "/api/petitions/receptions",
        json={
            **slot,
            "kind": "reception_day",
            "starts_at": "2999-01-01T09:00:00+08:00",
            "ends_at": "2999-01-01T11:00:00+08:00",
        },
    )
    early = office.post(
        f"/api/petitions/receptions/{future.json()['id']}/record", json={"visitors": 1, "summary": "x"}
    )
    assert early.status_code == 409
    done = client(app, "leader").post(
        f"/api/petitions/receptions/{reception_id}/record",
        json={"visitors": 6, "summary": "接待群众 6 人次，现场答复 4 件。"},
    )
    assert done.status_code == 200 and done.json()["visitors"] == 6, done.text
    listed = office.get("/api/petitions/receptions").json()
    assert [r["id"] for r in listed][:1] == [reception_id]
    assert client(app, "office_haidian").get("/api/petitions/receptions").json() == []
    assert (
        client(app, "office_haidian")
        .post(f"/api/petitions/receptions/{reception_id}/record", json={"visitors": 1, "summary": "x"})
        .status_code
        == 404
    )
    page = office.get("/petitions/receptions")
    assert page.status_code == 200 and "望京西园社区居委会" in page.text
    # The page's datetime-local fields carry no zone: they are Beijing time.
    form = {**slot, "kind": "reception_day", "starts_at": "2025-11-06T09:00", "ends_at": "2025-11-06T11:00"}
    assert office.post("/petitions/receptions", data=form, follow_redirects=False).status_code == 303
    starts = [r["starts_at"] for r in office.get("/api/petitions/receptions").json()]
    assert "2025-11-06T01:00:00Z" in starts


def test_the_servers_periodic_sweep_runs_in_its_own_transaction(app: Any, session: Session) -> None:
    office = client(app, "office")
    code = register(office, received_at="2025-09-26T10:00:00+08:00")["matter_code"]
    report = sweep_petitions_once(app.state.db, app.state.settings)
    assert report.overdue >= 1 and _matter(session, code).overdue is True
