"""A list's count: exact up to the cap; on PostgreSQL, past its time budget, the planner's estimate.

The slow question is made slow on purpose (``pg_sleep``), so that the budget runs out whatever the
machine's load; the session must come out of it usable, with its own statement timeout back.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Integer, column, text
from sqlalchemy.orm import Session

from support.cases import intake, staff
from zhili.auth import service
from zhili.auth.models import Role
from zhili.cases.listing.counting import COUNT_CAP, count
from zhili.cases.listing.filters import CaseFilter
from zhili.cases.listing.pages import list_page

SLOW = "SELECT g AS id FROM generate_series(1, 500) AS g, pg_sleep(0.3)"
FAST = "SELECT g AS id FROM generate_series(1, 500) AS g"
HUGE = "SELECT g AS id FROM generate_series(1, 20000) AS g"


def _ids(sql: str):  # type: ignore[no-untyped-def]
    return text(sql).columns(column("id", Integer)).subquery()


@pytest.fixture
def pg(session: Session) -> Session:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("statement_timeout is PostgreSQL's")
    return session


def test_a_count_past_its_budget_is_the_planners_estimate_and_says_so(pg: Session) -> None:
    before = pg.execute(text("SHOW statement_timeout")).scalar_one()
    counted = count(pg, _ids(SLOW), budget_ms=50)
    assert counted.estimated and not counted.capped
    assert counted.total == 500  # generate_series(1, 500): PostgreSQL knows its rows
    # The session is usable, and its timeout is what it was.
    assert pg.execute(text("SHOW statement_timeout")).scalar_one() == before
    assert pg.execute(text("SELECT 1")).scalar_one() == 1


def test_an_estimate_above_the_cap_is_capped(pg: Session) -> None:
    slow_huge = "SELECT g AS id FROM generate_series(1, 20000) AS g, pg_sleep(0.3)"
    counted = count(pg, _ids(slow_huge), budget_ms=50)
    assert counted.estimated and counted.capped and counted.total == COUNT_CAP


def test_within_budget_or_without_one_the_count_is_exact(pg: Session) -> None:
    assert count(pg, _ids(FAST), budget_ms=5_000) == count(pg, _ids(FAST)) == count(pg, _ids(FAST), 0)
    exact = count(pg, _ids(FAST), budget_ms=5_000)
    assert (exact.total, exact.capped, exact.estimated) == (500, False, False)
    assert count(pg, _ids(SLOW), budget_ms=0).estimated is False  # no budget: it waits
    huge = count(pg, _ids(HUGE), budget_ms=5_000)
    assert (huge.total, huge.capped, huge.estimated) == (COUNT_CAP, True, False)


def test_the_api_says_whether_its_total_is_an_estimate(app: object, session: Session) -> None:
    s = staff(app, session)
    made = [intake(s.operator, title=f"井盖缺失第{i}处") for i in range(3)]
    body = s.street.get("/api/cases", params={"q": "井盖缺失"}).json()
    assert {i["code"] for i in body["items"]} == set(made)
    assert (body["total"], body["total_capped"], body["total_estimated"]) == (3, False, False)


def test_a_list_is_planned_for_its_values_and_without_jit(pg: Session) -> None:
    """A list's statements are planned for the values asked (not a prepared statement's generic plan)
    and never compiled by JIT, whose compiling its count's time budget cannot interrupt. Both are
    ``SET LOCAL``: they end with the list's transaction."""
    user, _ = service.create_user(pg, username="list_planning", role=Role.operator, unit_code="C11")
    list_page(pg, service.actor_for(pg, user), CaseFilter(q="井盖"), count_budget_ms=40)
    during = {name: pg.execute(text(f"SHOW {name}")).scalar_one() for name in ("plan_cache_mode", "jit")}
    assert during == {"plan_cache_mode": "force_custom_plan", "jit": "off"}
