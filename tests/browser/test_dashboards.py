"""The dashboards in Chromium: a published league table with its drill-down and trend chart, and the
analytics page's charts (trend, district choropleth, H3 heat map), at desktop and phone widths."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from analytics.handmade import HAIDIAN, JIUXIANQIAO, case, write
from assessment.factory import make_case
from browser.conftest import DESKTOP, PHONE, LiveServer, fits, shot
from support.cases import JIUXIANQIAO as JIUXIANQIAO_UNIT
from support.cases import WANGJING
from zhili.analytics.store import Store
from zhili.assessment import periods, service
from zhili.assessment.config import active_rules
from zhili.cases.states import Satisfaction

AS_OF = date(2025, 10, 2)


@pytest.fixture(scope="module")
def data(live_server: LiveServer) -> None:
    """October 2026 published for two streets; a store with a spike in 望京 on ``AS_OF``."""
    settings = live_server.settings
    with live_server.database.session() as session:
        make_case(session, WANGJING)
        make_case(session, WANGJING, late=True, solved=False, satisfaction=Satisfaction.unsatisfied)
        make_case(session, JIUXIANQIAO_UNIT)
        rules, rule_set_id = active_rules(session, settings)
        zone = ZoneInfo(settings.timezone)
        for month in ("2026-09", "2026-10"):
            service.publish(session, periods.month(month), rules, zone, actor="test", rule_set_id=rule_set_id)
    rows, n = [], 0
    start = AS_OF - timedelta(days=62)
    for d in range(60):
        n += 1
        rows.append(case(n, start + timedelta(days=d), JIUXIANQIAO))
        if d % 2 == 0:
            n += 1
            rows.append(case(n, start + timedelta(days=d)))
        if d % 5 == 0:
            n += 1
            rows.append(case(n, start + timedelta(days=d), HAIDIAN, category="120501", keyword="暖气"))
    for d in range(3):
        for _ in range(4):
            n += 1
            rows.append(case(n, AS_OF - timedelta(days=d)))
    write(Store(settings.resolved_analytics_dir.resolve()), rows)


@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_dashboards_draw_their_charts_and_fit(data: None, page_as: Callable[..., Any], width: int) -> None:
    page = page_as("dispatcher", width)
    page.goto("/dash/league?month=2026-10")
    table = page.locator("[data-testid=league-table]")
    assert "望京街道" in table.inner_text() and "酒仙桥街道" in table.inner_text()
    page.locator("#chart-trend canvas").first.wait_for()
    if width == DESKTOP:
        # A rate drills down to the cases behind it, each linked to its case page.
        table.locator("tr", has_text="望京街道").locator("a[data-rate=response]").click()
        drill = page.locator("[data-testid=drill]")
        drill.wait_for()
        assert drill.locator("a[href^='/cases/']").count() == 2
    assert fits(page)
    shot(page, f"dash-league-{width}")

    page.goto(f"/dash/analytics?as_of={AS_OF.isoformat()}&month={AS_OF:%Y-%m}")
    for chart in ("chart-volume", "chart-districts", "chart-cells"):
        page.locator(f"#{chart} canvas").first.wait_for()
    assert page.locator("[data-testid=warnings] tbody tr").count() >= 1
    assert page.locator("[data-testid=candidates] tbody tr").count() >= 1
    assert fits(page)
    shot(page, f"dash-analytics-{width}")
