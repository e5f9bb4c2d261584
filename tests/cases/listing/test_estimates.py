"""A list's estimated size (PostgreSQL, when counting runs out of its budget) stays near the truth.

The planner's own estimate of a scope's UNION adds its branches up, though most of a street's cases
are both in its area and led by it; and it takes the four texts' ``LIKE`` as independent, though a
case's title is repeated in its description and reply. Each put the estimate off by a factor of two
or more (over it at 1 M cases, under it on a small fixture). ``estimate_count`` takes the largest
branch, and the text's share by the bigram index's statistics. On a slice of the demo year, analysed,
each estimate is near the exact count, where the planner's own was off by more than half.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.orm import Session

from zhili.auth import service
from zhili.auth.models import Role
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.importer.service import import_cases
from zhili.cases.listing.counting import COUNT_CAP, Count, at_least, largest
from zhili.cases.listing.filters import CaseFilter, filtered
from zhili.cases.listing.pages import _branches, _merged, _reading, count_capped, estimate_count
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.states import AssignmentRole, AssignmentStatus
from zhili.demo.generator import YearGenerator
from zhili.demo.writers import to_import_file
from zhili.divisions.models import Division
from zhili.settings import Settings
from zhili.units.models import Unit

WANGJING = "S110105026"  # 望京街道办事处

ACCOUNTS = {
    "city": (Role.operator, "C11"),
    "district": (Role.unit_staff, "G110105"),
    "street": (Role.unit_staff, WANGJING),
}


@pytest.fixture
def year(session: Session, settings: Settings, tmp_path: Path) -> dict[str, Actor]:
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("lists are estimated on PostgreSQL only")
    path = tmp_path / "demo.parquet"
    to_import_file(YearGenerator(3000, 2025, seed=5), path, lambda n: None)
    import_cases(session, CaseContext.for_settings(settings), path)
    # A street's year: 600 cases in its area, led by it (so each is in two of its scope's branches, three
    # with its lead assignment), as a street's own cases are.
    street = session.execute(select(Unit.id).where(Unit.code == WANGJING)).scalar_one()
    community = session.execute(
        select(Division.code).where(Division.parent_code == WANGJING[1:]).order_by(Division.code).limit(1)
    ).scalar_one()
    moved = session.scalars(select(Case.id).order_by(Case.id).limit(600)).all()
    session.execute(
        update(Case)
        .where(Case.id.in_(moved))
        .values(
            division_code=community,
            district_code=community[:6],
            street_code=community[:9],
            community_code=community,
            lead_unit_id=street,
        )
    )
    session.execute(delete(CaseAssignment).where(CaseAssignment.case_id.in_(moved)))
    session.add_all(
        CaseAssignment(
            case_id=case_id,
            unit_id=street,
            role=AssignmentRole.lead,
            status=AssignmentStatus.reported,
            assigned_at=received,
            case_received_at=received,
        )
        for case_id, received in session.execute(select(Case.id, Case.received_at).where(Case.id.in_(moved)))
    )
    session.flush()
    session.execute(text("ANALYZE cases"))
    session.execute(text("ANALYZE case_assignments"))
    actors = {}
    for name, (role, unit_code) in ACCOUNTS.items():
        user, _ = service.create_user(
            session,
            username=f"estimate_{name}",
            role=role,
            unit_code=unit_code,
            password="Estimate-pass-2026",
        )
        actors[name] = service.actor_for(session, user)
    return actors


def _planners_own(session: Session, actor: Actor, f: CaseFilter) -> int:
    """What the estimate was before: the planner's estimate of the whole question (every branch, every
    text)."""
    dialect = session.get_bind().dialect.name
    statements = [filtered(_reading(branch, Case.id), f, dialect) for branch in _branches(actor)]
    return largest(session, [select(_merged(statements).c.id)]).total


def test_a_scope_by_its_largest_branch_and_a_text_by_its_share(
    session: Session, year: dict[str, Actor]
) -> None:
    # One test, not two: the fixture (a demo slice imported and analysed) is most of the time.
    exact = count_capped(session, year["street"], CaseFilter())
    estimate = estimate_count(session, year["street"], CaseFilter())
    assert estimate.estimated and not exact.estimated and exact.total > 600
    assert 0.8 * exact.total <= estimate.total <= 1.25 * exact.total, (exact, estimate)
    assert _planners_own(session, year["street"], CaseFilter()) > 1.5 * exact.total  # the sum of branches
    for name in ("city", "district"):
        exact = count_capped(session, year[name], CaseFilter())
        estimate = estimate_count(session, year[name], CaseFilter())
        assert 0.8 * exact.total <= estimate.total <= 1.25 * exact.total, (name, exact, estimate)

    for name, q in (
        ("city", "噪音"),
        ("city", "扰民"),
        ("city", "小区"),
        ("district", "小区"),
        ("street", "小区"),
    ):
        f = CaseFilter(q=q)
        exact = count_capped(session, year[name], f)
        estimate = estimate_count(session, year[name], f)
        assert exact.total > 50, (name, q)
        assert 0.5 * exact.total <= estimate.total <= 1.5 * exact.total, (name, q, exact, estimate)
    exact = count_capped(session, year["city"], CaseFilter(q="小区"))
    assert _planners_own(session, year["city"], CaseFilter(q="小区")) < 0.5 * exact.total  # four LIKEs


def test_an_estimate_never_says_fewer_than_the_rows_a_list_read() -> None:
    low = Count(3, False, estimated=True)
    assert at_least(low, 51) == Count(51, False, estimated=True)
    assert at_least(low, 2) == low
    assert at_least(Count(COUNT_CAP - 10, False, estimated=True), COUNT_CAP + 1) == Count(
        COUNT_CAP, True, estimated=True
    )
    exact = Count(3, False)
    assert at_least(exact, 51) == exact  # an exact count is what it is
