"""Dashboard pages over TestClient: who may open them, a published league table with its drill-down and
trend, and the analytics page on an empty store and on hand-made data with a warning → task."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analytics.handmade import JIUXIANQIAO, case, write
from assessment.factory import make_case
from support.accounts import login, make_user
from support.cases import WANGJING, staff
from zhili.analytics.models import EarlyWarning, ProactiveTask
from zhili.analytics.store import Store
from zhili.assessment import periods, service
from zhili.assessment.config import active_rules
from zhili.auth.models import Role
from zhili.cases.states import Satisfaction
from zhili.kernel.clock import utcnow
from zhili.settings import Settings

HTMX = {"HX-Request": "true"}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def publish(session: Session, settings: Settings, month: str) -> None:
    rules, rule_set_id = active_rules(session, settings)
    zone = ZoneInfo(settings.timezone)
    service.publish(session, periods.month(month), rules, zone, actor="test", rule_set_id=rule_set_id)
    session.commit()


@pytest.mark.parametrize("path", ["/dash/league", "/dash/analytics"])
def test_anonymous_users_are_sent_to_sign_in(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", ["/dash/league?month=2026-10", "/dash/analytics"])
def test_a_role_without_access_gets_a_chinese_403_page(app: Any, session: Session, path: str) -> None:
    make_user(session, "citizen_dash", Role.citizen)
    client = TestClient(app)
    login(client, "citizen_dash")
    response = client.get(path)
    assert response.status_code == 403
    assert "当前角色无权访问此页面" in response.text and "Traceback" not in response.text


def test_a_published_month_shows_its_league_table_drill_down_and_trend(
    s: Any, session: Session, settings: Settings
) -> None:
    make_case(session, WANGJING)
    make_case(session, WANGJING, late=True, solved=False, satisfaction=Satisfaction.unsatisfied)
    perfect = make_case(session, "S110105011")
    publish(session, settings, "2026-10")

    page = s.street.get("/dash/league", params={"month": "2026-10"})
    assert page.status_code == 200, page.text
    assert 'data-testid="league-table"' in page.text
    assert "望京街道" in page.text and "酒仙桥街道" in page.text
    assert "50.0%" in page.text and "100.0%" in page.text  # 望京's rates, 酒仙桥's rates
    assert 'id="chart-trend"' in page.text and '"period": "2026-10"' in page.text

    # Drill-down: 望京's response rate lists the two cases behind it, linked to their pages.
    drill = s.street.get(
        "/dash/league/drill", params={"unit": WANGJING, "rate": "response", "month": "2026-10"}, headers=HTMX
    )
    assert drill.status_code == 200, drill.text
    assert drill.text.count('href="/cases/T') == 2 and "响应率" in drill.text
    # Another street sees none of 望京's cases behind the number.
    other = s.other_street.get(
        "/dash/league/drill", params={"unit": WANGJING, "rate": "response", "month": "2026-10"}
    )
    assert other.status_code == 200 and "在您的权限范围内没有相关诉求" in other.text
    assert perfect.code not in drill.text

    # A bad rate is refused with the field named (a toast for htmx).
    bad = s.street.get(
        "/dash/league/drill", params={"unit": WANGJING, "rate": "speed", "month": "2026-10"}, headers=HTMX
    )
    assert bad.status_code == 422 and "rate" in bad.text

    # Another league, and a month never published: a clear empty state, not an error.
    depts = s.dispatcher.get("/dash/league", params={"month": "2026-10", "league": "city_dept"})
    assert depts.status_code == 200 and "该单位组本月没有考核结果" in depts.text
    unpublished = s.dispatcher.get("/dash/league", params={"month": "2026-05"})
    assert unpublished.status_code == 200 and "尚未发布" in unpublished.text
    wrong = s.dispatcher.get("/dash/league", params={"month": "2026-13"})
    assert wrong.status_code == 422 and "考核月份" in wrong.text


def test_analytics_page_on_an_empty_store_shows_an_empty_state(s: Any) -> None:
    page = s.dispatcher.get("/dash/analytics")
    assert page.status_code == 200, page.text
    assert "分析库中暂无符合条件的诉求数据" in page.text and "Traceback" not in page.text
    for chart in ("chart-volume", "chart-districts", "chart-cells"):
        assert f'id="{chart}"' in page.text
    assert "本月暂无每月一题候选" in page.text and "该日没有预警" in page.text


def spike(settings: Settings) -> date:
    """60 quiet days of one case every other day in 望京 (and daily in 酒仙桥), then 12 in three days."""
    rows, n = [], 0
    start = date(2025, 8, 1)
    for d in range(60):
        if d % 2 == 0:
            n += 1
            rows.append(case(n, start + timedelta(days=d)))
        n += 1
        rows.append(case(n, start + timedelta(days=d), JIUXIANQIAO))
    last = start + timedelta(days=62)
    for d in range(3):
        for _ in range(4):
            n += 1
            rows.append(case(n, last - timedelta(days=d)))
    write(Store(settings.resolved_analytics_dir.resolve()), rows)
    return last


def test_analytics_page_draws_the_data_and_a_warning_becomes_a_task(
    s: Any, session: Session, settings: Settings
) -> None:
    last = spike(settings)
    params = {"as_of": last.isoformat(), "month": f"{last:%Y-%m}"}
    page = s.dispatcher.get("/dash/analytics", params=params)
    assert page.status_code == 200, page.text
    assert 'data-testid="total">102<' in page.text
    assert '"name": "朝阳区", "value": 102' in page.text
    assert 'data-testid="candidates"' in page.text and 'data-testid="warnings"' in page.text
    assert "望京街道" in page.text and "生成主动治理任务" in page.text

    # A street user sees the warnings of their street but may not turn them into tasks.
    street_page = s.street.get("/dash/analytics", params=params)
    assert street_page.status_code == 200 and "生成主动治理任务" not in street_page.text
    due = (utcnow().date() + timedelta(days=14)).isoformat()
    form = {"street": "110105026", "category": "020201", "as_of": last.isoformat(), "due": due}
    refused = s.street.post("/dash/analytics/warning-task", data=form, headers=HTMX)
    assert refused.status_code == 403 and _count(session, ProactiveTask) == 0

    bad = s.dispatcher.post("/dash/analytics/warning-task", data={**form, "due": "明天"}, headers=HTMX)
    assert bad.status_code == 422 and _count(session, ProactiveTask) == 0
    quiet_form = {**form, "street": "110105011"}
    quiet = s.dispatcher.post("/dash/analytics/warning-task", data=quiet_form, headers=HTMX)
    assert quiet.status_code == 422 and _count(session, ProactiveTask) == 0

    made = s.dispatcher.post("/dash/analytics/warning-task", data=form, headers=HTMX)
    assert made.status_code == 201, made.text
    assert 'data-testid="task-done"' in made.text and "zhili-toast" in made.headers["HX-Trigger"]
    assert _count(session, ProactiveTask) == 1 and _count(session, EarlyWarning) == 1
    again = s.dispatcher.post("/dash/analytics/warning-task", data=form, headers=HTMX)
    assert again.status_code == 409 and _count(session, ProactiveTask) == 1
