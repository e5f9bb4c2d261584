"""Resident population (常住人口): the shipped census loaded by init, staff reads and audited admin
writes under /api/divisions/population, and refusals that name the field and write nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.accounts import signed_in
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.divisions import repository, service
from zhili.divisions.models import DivisionPopulation
from zhili.divisions.records import PopulationRow
from zhili.kernel.clock import utcnow

BEIJING_2020 = 21_893_095  # 北京市第七次全国人口普查公报（第一号）
CHAOYANG_2020 = 3_452_460


def _count(session: Session, model: type[Any]) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.fixture
def admin(app: FastAPI, session: Session) -> TestClient:
    return signed_in(app, session, "population_admin", Role.admin)


def test_init_loads_the_census_and_keeps_corrections(session: Session) -> None:
    districts = [item.code for item in repository.children(session, "11")]
    figures = repository.latest_populations(session, ["11", *districts])
    assert len(figures) == 17 and {f.year for f in figures.values()} == {2020}
    assert figures["11"].residents == BEIJING_2020 == sum(figures[code].residents for code in districts)
    assert figures["110105"].residents == CHAOYANG_2020 and figures["110105"].recorded_by == "zhili init"
    corrected = PopulationRow("110105", 2020, 3_452_000, "核对后的普查数")
    service.set_population(session, corrected, actor="tester", today=date(2026, 12, 6))
    assert service.load_shipped_population(session) == 0  # run again: nothing added, nothing overwritten
    assert repository.latest_populations(session, ["110105"])["110105"].residents == 3_452_000


def test_staff_read_the_population_of_the_children(app: FastAPI, session: Session) -> None:
    assert TestClient(app).get("/api/divisions/population").status_code == 401
    staff = signed_in(app, session, "population_reader", Role.operator, "C11")
    cities = staff.get("/api/divisions/population").json()
    assert [(c["code"], c["residents"], c["year"]) for c in cities] == [("11", BEIJING_2020, 2020)]
    districts = {d["code"]: d for d in staff.get("/api/divisions/population", params={"parent": "11"}).json()}
    assert len(districts) == 16 and districts["110105"]["name"] == "朝阳区"
    assert districts["110105"]["residents"] == CHAOYANG_2020 and districts["110105"]["note"] is None
    streets = staff.get("/api/divisions/population", params={"parent": "110105"}).json()
    assert streets[0]["residents"] is None and streets[0]["note"] == "无人口数据"
    assert staff.get("/api/divisions/population", params={"parent": "99"}).status_code == 404
    body = {"year": 2020, "residents": 1, "source": "x"}
    assert staff.put("/api/divisions/population/110105", json=body).status_code == 403


def test_admin_records_a_figure_with_audit(admin: TestClient, session: Session) -> None:
    audits = _count(session, AuditEntry)
    body = {"year": 2020, "residents": 141_986, "source": "朝阳区第七次全国人口普查公报"}
    response = admin.put("/api/divisions/population/110105026", json=body)
    assert response.status_code == 200, response.text
    out = response.json()
    assert (out["name"], out["residents"], out["year"], out["recorded_by"]) == (
        "望京街道",
        141_986,
        2020,
        "population_admin",
    )
    entry = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
    assert entry is not None and (entry.action, entry.target_id) == ("divisions.population.set", "110105026")
    assert '"previous": null' in entry.detail and entry.client_ip
    assert _count(session, AuditEntry) == audits + 1
    again = admin.put("/api/divisions/population/110105026", json=body)  # the same figure: no new entry
    assert again.status_code == 200 and _count(session, AuditEntry) == audits + 1
    newer = admin.put("/api/divisions/population/110105", json={**body, "year": 2024, "residents": 3_400_000})
    assert newer.json()["year"] == 2024
    assert repository.latest_populations(session, ["110105"])["110105"].residents == 3_400_000
    assert repository.latest_populations(session, ["110105"], year=2023)["110105"].residents == CHAOYANG_2020


THIS_YEAR = utcnow().year


@pytest.mark.parametrize(
    ("code", "body", "field", "words"),
    [
        ("110105", {"residents": -5}, "residents", "不能为负数"),
        ("110105", {"residents": 0}, "residents", "须大于 0"),
        ("110105", {"residents": 99_000_000}, "residents", "合理范围"),
        ("110105026", {"residents": 3_000_000}, "residents", "合理范围"),
        ("110105", {"residents": "很多"}, "residents", "数字"),
        ("110199", {}, "code", "不存在"),
        ("110105026034", {}, "code", "社区"),
        ("110105", {"year": THIS_YEAR + 2}, "year", "年份"),
        ("110105", {"year": 1900}, "year", "年份"),
        ("110105", {"source": "  "}, "source", "数据来源"),
        ("110105", {"source": "长" * 201}, "source", "过长"),
    ],
)
def test_bad_figures_are_refused_naming_the_field(
    admin: TestClient, session: Session, code: str, body: dict[str, Any], field: str, words: str
) -> None:
    before = (_count(session, DivisionPopulation), _count(session, AuditEntry))
    full = {"year": 2021, "residents": 3_000_000, "source": "测试", **body}
    response = admin.put(f"/api/divisions/population/{code}", json=full)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["field"] == field and words in error["message"], error
    assert (_count(session, DivisionPopulation), _count(session, AuditEntry)) == before


def test_a_batch_is_all_or_nothing(admin: TestClient, session: Session) -> None:
    before = (_count(session, DivisionPopulation), _count(session, AuditEntry))
    good = {"code": "110105026", "year": 2020, "residents": 141_986, "source": "街道普查汇总"}
    rows = [good, {**good, "code": "110105011", "residents": -3}]
    response = admin.put("/api/divisions/population", json={"rows": rows})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "rows.1.residents" and error["message"].startswith("第 2 条（110105011）")
    assert (_count(session, DivisionPopulation), _count(session, AuditEntry)) == before
    twice = admin.put("/api/divisions/population", json={"rows": [good, good]})
    assert twice.status_code == 422 and twice.json()["error"]["field"] == "rows.1.year"
    rows[1]["residents"] = 60_000
    done = admin.put("/api/divisions/population", json={"rows": rows})
    assert done.status_code == 200 and done.json() == {"added": 2, "changed": 0, "unchanged": 0}
    assert _count(session, AuditEntry) == before[1] + 2
