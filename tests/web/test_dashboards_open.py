"""Dashboards open on something: the analytics page on the latest day with data (数据截至), the league
table with rank 1 first, a filter by name or pinyin initials, and a CSV export of what is shown."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from assessment.factory import make_case
from support.cases import WANGJING, staff
from web.test_dashboards import publish, spike
from zhili.cases.states import Satisfaction
from zhili.settings import Settings


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def test_analytics_opens_on_the_latest_day_with_data(s: Any, settings: Settings) -> None:
    last = spike(settings)
    page = s.dispatcher.get("/dash/analytics")  # no month, no day: not today's empty page
    assert page.status_code == 200, page.text
    assert f"数据截至 {last.isoformat()}" in page.text
    assert 'data-testid="warnings"' in page.text and "该日没有预警" not in page.text


def test_analytics_on_an_empty_store_says_so(s: Any) -> None:
    assert "尚无诉求数据" in s.dispatcher.get("/dash/analytics").text


def test_league_rank_one_first_filter_and_csv(s: Any, session: Session, settings: Settings) -> None:
    make_case(session, WANGJING, late=True, solved=False, satisfaction=Satisfaction.unsatisfied)
    make_case(session, "S110105011")
    publish(session, settings, "2026-10")
    page = s.dispatcher.get("/dash/league").text  # opens on the latest published month
    assert "数据截至 2026-10-31" in page
    table = page.split('data-testid="league-table"')[1]
    assert table.index("酒仙桥") < table.index("望京")  # rank 1 (酒仙桥, all rates 100 %) on top
    filtered = s.dispatcher.get("/dash/league", params={"q": "wj"}).text
    rows = filtered.split('data-testid="league-table"')[1]
    assert "望京" in rows and "酒仙桥" not in rows and "筛选后 1 / " in filtered
    none = s.dispatcher.get("/dash/league", params={"q": "不存在的单位"}).text
    assert "没有名称含「不存在的单位」的单位" in none
    csv = s.dispatcher.get("/dash/league.csv", params={"month": "2026-10", "q": "jxq"})
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("名次,单位,单位编码") and len(lines) == 2 and "酒仙桥" in lines[1]
    assert s.dispatcher.get("/dash/league.csv", params={"month": "2026-13"}).status_code == 422
