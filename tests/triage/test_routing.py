"""Routing rules as data: matching, precedence, defaults from the taxonomy, and the admin API."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from support.cases import CHAOYANG_CGW, CHAOYANG_ENV, CHAOYANG_MARKET, WANGJING, intake, staff
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.db import Database
from zhili.triage import routing
from zhili.triage.models import RoutingRule
from zhili.units.models import Unit, UnitKind

DISTRICT, STREET = "110105", "110105026"


def _snapshot(*rules: routing.Rule) -> routing.Snapshot:
    snap = routing.Snapshot(
        rules=sorted(rules, key=routing.Rule.sort_key, reverse=True),
        units={
            f"S{STREET}": "street",
            f"G{DISTRICT}": "district_government",
            CHAOYANG_ENV: "environment",
            CHAOYANG_CGW: "urban_management",
            CHAOYANG_MARKET: "market",
            "M11-JGJ": "traffic_police",
        },
        city_units={"traffic_police": "M11-JGJ"},
        categories={
            "02": ("环境保护", "environment"),
            "0202": ("噪声污染", "environment"),
            "020201": ("社会生活噪声", None),
            "15": ("城市管理", "urban_management"),
            "03": ("交通运输", "traffic_police"),
            "17": ("其他", None),
        },
    )
    snap.level1 = {name: code for code, (name, _) in snap.categories.items() if len(code) == 2}
    return snap


def _rule(rule_id: int, priority: int = 0, **fields: Any) -> routing.Rule:
    values: dict[str, Any] = {
        "name": f"规则{rule_id}",
        "category_prefix": None,
        "division_prefix": None,
        "demand_type": None,
        "lead_unit_code": None,
        "lead_unit_type": None,
        "co_unit_codes": (),
    }
    values.update(fields)
    return routing.Rule(id=rule_id, priority=priority, **values)


def _route(snap: routing.Snapshot, category: str | None, demand_type: str = "complaint") -> routing.Route:
    return routing.route(
        snap,
        category=category,
        division=STREET + "001",
        district=DISTRICT,
        street=STREET,
        demand_type=demand_type,
    )


def test_defaults_come_from_the_category_and_the_location() -> None:
    snap = _snapshot()
    # A department type → the district's department; the type is inherited from the parent category.
    assert (_route(snap, "020201").lead_unit, _route(snap, "020201").mode) == (CHAOYANG_ENV, "department")
    # A street-level type → the street office (直派).
    assert (_route(snap, "15").lead_unit, _route(snap, "15").mode) == (f"S{STREET}", "street")
    # A type only the city has → the city department.
    assert (_route(snap, "03").lead_unit, _route(snap, "03").mode) == ("M11-JGJ", "city")
    # No type at all → the district government (兜底).
    assert (_route(snap, "17").lead_unit, _route(snap, "17").mode) == (f"G{DISTRICT}", "fallback")
    nowhere = routing.route(snap, category="17", division=None, district=None, street=None, demand_type=None)
    assert nowhere.lead_unit is None and nowhere.mode == "none"


def test_a_matching_rule_overrides_the_default_and_priority_then_specificity_decide() -> None:
    broad = _rule(1, priority=0, category_prefix="02", lead_unit_code=CHAOYANG_CGW)
    narrow = _rule(
        2, priority=0, category_prefix="0202", lead_unit_type="street", co_unit_codes=(CHAOYANG_ENV,)
    )
    urgent = _rule(
        3, priority=10, category_prefix="02", division_prefix=DISTRICT, lead_unit_code=CHAOYANG_MARKET
    )
    other_area = _rule(4, priority=99, division_prefix="110108", lead_unit_code=CHAOYANG_CGW)
    only_reports = _rule(5, priority=50, demand_type="report", lead_unit_code=CHAOYANG_CGW)

    chosen = _route(_snapshot(broad), "020201")
    assert (chosen.lead_unit, chosen.applied) == (CHAOYANG_CGW, broad)
    chosen = _route(_snapshot(broad, narrow), "020201")  # same priority: the longer prefix wins
    assert (chosen.lead_unit, chosen.co_units, chosen.applied) == (f"S{STREET}", [CHAOYANG_ENV], narrow)
    chosen = _route(_snapshot(broad, narrow, urgent, other_area), "020201")  # priority first
    assert (chosen.lead_unit, chosen.applied) == (CHAOYANG_MARKET, urgent)
    assert [r.id for r in chosen.matched] == [3, 2, 1]  # every matching rule is reported, best first
    assert _route(_snapshot(only_reports), "020201").applied is None
    assert _route(_snapshot(only_reports), "020201", "report").applied == only_reports
    # Another category is not touched by the rules for 02.
    assert _route(_snapshot(broad, narrow, urgent), "15").applied is None


def test_a_rule_whose_unit_is_gone_yields_to_the_next() -> None:
    gone = _rule(1, priority=5, category_prefix="02", lead_unit_code="D110105-nonexistent")
    fallback = _rule(2, priority=0, category_prefix="02", lead_unit_code=CHAOYANG_CGW)
    assert _route(_snapshot(gone, fallback), "0202").applied == fallback


# -- the admin API -----------------------------------------------------------------------------------


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)  # signs the shared staff in before this test's transaction writes


@pytest.fixture
def admin(app: Any, s: Any, session: Session) -> TestClient:
    make_user(session, "admin_triage", Role.admin)
    client = TestClient(app)
    login(client, "admin_triage")
    return client


def _counts(session: Session) -> tuple[int, int]:
    session.expire_all()
    rules = session.scalar(select(func.count()).select_from(RoutingRule))
    audits = session.scalar(select(func.count()).select_from(AuditEntry))
    return int(rules or 0), int(audits or 0)


RULE = {
    "name": "望京噪声直派街道",
    "category_prefix": "0202",
    "division_prefix": STREET,
    "lead_unit_type": "street",
    "co_units": [CHAOYANG_ENV],
    "priority": 10,
}


def test_admin_rule_routes_new_cases_and_every_change_is_audited(
    s: Any, admin: TestClient, session: Session
) -> None:
    before = _counts(session)
    created = admin.post("/api/triage/rules", json=RULE)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert (rule["lead_unit_type"], rule["co_units"], rule["updated_by"]) == (
        "street",
        [CHAOYANG_ENV],
        "admin_triage",
    )
    assert _counts(session) == (before[0] + 1, before[1] + 1)

    code = intake(s.operator)  # 020201 in 望京
    rec = s.dispatcher.get(f"/api/cases/{code}/recommendation").json()
    assert (rec["lead_unit"], rec["co_units"], rec["dispatch_mode"]) == (WANGJING, [CHAOYANG_ENV], "street")
    assert rec["matched_rules"][0] == {
        "id": rule["id"],
        "name": RULE["name"],
        "priority": 10,
        "applied": True,
    }
    assert not any(r["applied"] for r in rec["matched_rules"][1:])  # the default 0202 rule, outranked

    changed = admin.put(
        f"/api/triage/rules/{rule['id']}", json={**RULE, "lead_unit_type": None, "lead_unit": CHAOYANG_CGW}
    )
    assert changed.status_code == 200, changed.text
    code = intake(s.operator)
    assert s.dispatcher.get(f"/api/cases/{code}/recommendation").json()["lead_unit"] == CHAOYANG_CGW
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "routing_rule").order_by(AuditEntry.seq)
    ).all()
    assert [e.action for e in entries] == ["routing_rule.create", "routing_rule.update"]

    assert admin.delete(f"/api/triage/rules/{rule['id']}").status_code == 204
    code = intake(s.operator)
    assert (
        s.dispatcher.get(f"/api/cases/{code}/recommendation").json()["lead_unit"] == WANGJING
    )  # the default rule 0202 → street
    assert rule["id"] not in [r["id"] for r in s.dispatcher.get("/api/triage/rules").json()]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lead_unit_type": None, "lead_unit": "D110105-nonexistent"}, "lead_unit"),
        ({"lead_unit_type": "no_such_type"}, "lead_unit_type"),
        ({"lead_unit": CHAOYANG_CGW}, "lead_unit"),  # both a unit and a type
        ({"lead_unit_type": None}, "lead_unit"),  # neither
        ({"category_prefix": "9999"}, "category_prefix"),
        ({"division_prefix": "110199"}, "division_prefix"),
        ({"demand_type": "gossip"}, "demand_type"),
        ({"co_units": ["X-unknown"]}, "co_units"),
        ({"name": "  "}, "name"),
        ({"priority": 5000}, "priority"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_rules_are_refused_with_the_field_and_nothing_is_written(
    admin: TestClient, session: Session, change: dict[str, Any], field: str
) -> None:
    before = _counts(session)
    response = admin.post("/api/triage/rules", json={**RULE, **change})
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field and error["message"]
    assert _counts(session) == before


def test_only_admins_edit_rules(s: Any, session: Session) -> None:
    before = _counts(session)
    assert s.dispatcher.post("/api/triage/rules", json=RULE).status_code == 403
    assert s.street.get("/api/triage/rules").status_code == 403
    assert s.dispatcher.put("/api/triage/rules/1", json=RULE).status_code == 403
    assert _counts(session) == before


def test_unknown_rule_is_404(admin: TestClient, session: Session) -> None:
    before = _counts(session)
    assert admin.put("/api/triage/rules/999999", json=RULE).status_code == 404
    assert admin.delete("/api/triage/rules/999999").status_code == 404
    assert _counts(session) == before


def test_a_stale_snapshot_is_re_read_in_the_background_while_intakes_go_on(
    committed_database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process adds a unit: nothing here invalidates the snapshot, the TTL must. Once the
    TTL has passed, the intake that notices gets the previous snapshot at once; a background read
    replaces it."""
    with committed_database.session() as session:
        first = routing.snapshot_for(session)
        assert routing.snapshot_for(session) is first
        session.add(
            Unit(
                code="C11-SNAP",
                name="快照测试单位",
                kind=UnitKind.city_dept,
                unit_type="snapshot_test",
                division_code="11",
            )
        )
    try:
        monkeypatch.setattr(routing, "SNAPSHOT_TTL", 0.0)
        with committed_database.session() as session:
            assert routing.snapshot_for(session) is first  # served at once; the re-read has begun
            for _ in range(1000):  # the re-read takes milliseconds; give it ten seconds at most
                latest = routing.snapshot_for(session)
                if latest is not first:
                    break
                time.sleep(0.01)
            assert "C11-SNAP" in latest.units and "C11-SNAP" not in first.units
            assert latest.city_units["snapshot_test"] == "C11-SNAP"
    finally:
        monkeypatch.setattr(routing, "SNAPSHOT_TTL", 3600.0)  # no re-read may outlive the unit
        with committed_database.session() as session:
            session.execute(delete(Unit).where(Unit.code == "C11-SNAP"))


def test_a_rule_written_here_is_routed_on_at_once(committed_database: Database) -> None:
    with committed_database.session() as session:
        routing.snapshot_for(session)
        session.add(RoutingRule(name="即时生效", category_prefix="02", lead_unit_code="C11", updated_by="t"))
        session.flush()
        routing.invalidate(session)
        assert "即时生效" in [r.name for r in routing.snapshot_for(session).rules]
        session.rollback()
