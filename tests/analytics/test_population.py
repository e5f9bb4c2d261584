"""Per-10,000-resident figures come from the population table: Beijing's shipped census, a figure an
administrator records, and another city imported without population (None and a note until loaded)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from analytics import answers
from analytics.handmade import HAIDIAN, WANGJING, case, write
from support.accounts import signed_in
from support.cases import staff
from support.transactions import TransactionDatabase
from zhili.analytics.store import Store
from zhili.auth.models import Role
from zhili.divisions import cli
from zhili.divisions.service import import_city

CITY = Path(__file__).parents[1] / "divisions" / "fixtures" / "city"
LIWAN = ("440103", "440103001", "440103001001")  # 广州市荔湾区沙面街道沙面社区
YUEXIU = ("440104", "440104001", "440104001001")
D = date(2025, 10, 6)


def districts(client: TestClient) -> dict[str, dict[str, Any]]:
    response = client.get("/api/analytics/hotspots/districts")
    assert response.status_code == 200, response.text
    assert all(set(row) == answers.DISTRICT for row in response.json())
    return {row["key"]: row for row in response.json()}


def test_per_10k_is_count_over_the_loaded_population(app: FastAPI, session: Session, store: Store) -> None:
    write(store, [case(i, D, WANGJING if i <= 6 else HAIDIAN) for i in range(1, 9)])
    c = staff(app).dispatcher
    rows = districts(c)
    chaoyang = rows["110105"]
    assert (chaoyang["label"], chaoyang["count"], chaoyang["population"]) == ("朝阳区", 6, 3_452_460)
    assert chaoyang["per_10k"] == round(6 / (3_452_460 / 10_000), 2) and chaoyang["population_note"] is None
    assert rows["110108"]["per_10k"] == round(2 / (3_133_469 / 10_000), 2)

    admin = signed_in(app, session, "per10k_admin", Role.admin)
    body = {"year": 2024, "residents": 30_000, "source": "测试：一个较新的年份"}
    assert admin.put("/api/divisions/population/110105", json=body).status_code == 200
    chaoyang = districts(c)["110105"]
    assert (chaoyang["per_10k"], chaoyang["population"], chaoyang["population_year"]) == (2.0, 30_000, 2024)


def test_another_city_gets_a_note_until_its_population_is_loaded(
    app: FastAPI, session: Session, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_city(session, CITY, "4401")
    write(store, [case(i, D, LIWAN if i <= 3 else YUEXIU, lead_unit=None) for i in range(1, 6)])
    admin = signed_in(app, session, "guangzhou_admin", Role.admin)  # city-wide: sees Guangzhou too
    rows = districts(admin)
    assert {k: (r["label"], r["count"]) for k, r in rows.items()} == {
        "440103": ("荔湾区", 3),
        "440104": ("越秀区", 2),
    }
    for row in rows.values():
        assert row["per_10k"] is None and row["population"] is None and row["population_note"] == "无人口数据"
    page = admin.get("/dash/analytics")
    assert page.status_code == 200
    assert 'data-testid="population-note">荔湾区、越秀区：无人口数据' in page.text

    assert (
        admin.put(
            "/api/divisions/population/440103",
            json={"year": 2020, "residents": 1_123_000, "source": "荔湾区七普公报"},
        ).status_code
        == 200
    )
    monkeypatch.setattr(cli, "_open_database", lambda: TransactionDatabase(session))
    result = CliRunner().invoke(
        cli.app, ["population", "set", "440104", "1038000", "--year", "2020", "--source", "越秀区七普公报"]
    )
    assert result.exit_code == 0, result.output
    rows = districts(admin)
    assert rows["440103"]["per_10k"] == round(3 / 112.3, 2) and rows["440103"]["population_note"] is None
    assert rows["440104"]["per_10k"] == round(2 / 103.8, 2)
    assert "population-note" not in admin.get("/dash/analytics").text
