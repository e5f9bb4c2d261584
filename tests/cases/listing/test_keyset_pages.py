"""Keyset pages show what the OFFSET pages showed: same cases, same order, same scope, same filters.

The reference below is the list as it was before keyset pages (one OR-ed scope statement, an exact
count, LIMIT/OFFSET), written out here so that it cannot change with the code. On a slice of the
demo year, for every role and filter and sort, the keyset pages followed cursor to cursor and
concatenated equal the OFFSET pages concatenated. The text filter's reference is "title, description,
address or reply contains the text" (the search reads those four since the index came).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Select, and_, exists, false, func, or_, select, update
from sqlalchemy.orm import Session

from zhili.auth import service
from zhili.auth.models import Role
from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.importer.service import import_cases
from zhili.cases.listing.filters import SORTS, CaseFilter, filtered
from zhili.cases.listing.pages import list_page
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.repository import readable_branches, readable_cases
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState
from zhili.demo.generator import YearGenerator
from zhili.demo.writers import to_import_file
from zhili.settings import Settings
from zhili.taxonomy import repository as taxonomy
from zhili.units.models import Unit

PAGE = 40
ACCOUNTS = {
    "admin": (Role.admin, None),
    "operator": (Role.operator, "C11"),
    "dispatcher": (Role.dispatcher, "C11"),
    "district": (Role.unit_staff, "G110105"),
    "street": (Role.unit_staff, "S110105026"),
    "department": (Role.unit_staff, "D110105-urban_management"),
    "grid": (Role.grid_worker, "S110105026"),
}


# -- the reference: the list before keyset pages --------------------------------------------------------


def old_readable(actor: Actor) -> Select[Any]:
    scope = actor.scope
    if scope.everything:
        return select(Case)
    conditions: list[Any] = [scope.clause(Case.division_code)] if scope.division_codes else []
    if actor.unit_id is not None:
        conditions.append(Case.lead_unit_id == actor.unit_id)
        conditions.append(
            exists().where(
                CaseAssignment.case_id == Case.id,
                CaseAssignment.unit_id == actor.unit_id,
                CaseAssignment.status != AssignmentStatus.released,
            )
        )
    unlocated = []
    if actor.unit_id is not None and actor.role in (Role.operator, Role.dispatcher):
        unlocated.append(Case.receiving_unit_id == actor.unit_id)
    if actor.user_id is not None:
        unlocated.append(Case.created_by == actor.username)
    if unlocated:
        conditions.append(and_(Case.division_code.is_(None), or_(*unlocated)))
    return select(Case).where(or_(*conditions) if conditions else false())


def old_filtered(statement: Select[Any], f: CaseFilter) -> Select[Any]:
    if f.state:
        statement = statement.where(Case.state.in_(f.state))
    if f.category_ids is not None:
        statement = statement.where(Case.category_id.in_(f.category_ids))
    if f.division:
        statement = statement.where(Case.division_code.startswith(f.division, autoescape=True))
    if f.demand_type:
        statement = statement.where(Case.demand_type == f.demand_type)
    if f.q:
        texts = (Case.title, Case.description, Case.address, Case.reply)
        statement = statement.where(or_(*(t.contains(f.q, autoescape=True) for t in texts), Case.code == f.q))
    if f.received_from:
        statement = statement.where(Case.received_at >= f.received_from)
    if f.received_to:
        statement = statement.where(Case.received_at < f.received_to)
    return statement


def offset_pages(session: Session, actor: Actor, f: CaseFilter, sort: str) -> tuple[list[str], int]:
    statement = old_filtered(old_readable(actor), f)
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    column = SORTS[sort.lstrip("-")]
    order = column.desc() if sort.startswith("-") else column.asc()
    codes: list[str] = []
    while True:
        page = session.scalars(statement.order_by(order, Case.id.desc()).limit(PAGE).offset(len(codes))).all()
        codes += [c.code for c in page]
        if len(page) < PAGE:
            return codes, int(total)


def keyset_pages(session: Session, actor: Actor, f: CaseFilter, sort: str) -> tuple[list[str], int]:
    codes: list[str] = []
    cursor = None
    while True:
        page = list_page(session, actor, f, sort=sort, limit=PAGE, cursor=cursor)
        codes += [c.code for c in page.rows]
        assert not page.capped
        if page.next_cursor is None:
            return codes, page.total
        cursor = page.next_cursor


# -- the fixture: a slice of the demo year, with the rarer ways of seeing a case added ---------------------


@pytest.fixture
def demo(session: Session, settings: Settings, tmp_path: Path) -> dict[str, Actor]:
    path = tmp_path / "demo.parquet"
    to_import_file(YearGenerator(900, 2025, seed=3), path, lambda n: None)
    import_cases(session, CaseContext.for_settings(settings), path)
    unit = {code: uid for code, uid in session.execute(select(Unit.code, Unit.id))}
    actors = {}
    for name, (role, unit_code) in ACCOUNTS.items():
        user, _ = service.create_user(
            session, username=f"list_{name}", role=role, unit_code=unit_code, password="Listing-pass-2026"
        )
        actors[name] = service.actor_for(session, user)
    ids = session.scalars(select(Case.id).order_by(Case.id)).all()
    # Unlocated cases: taken in by the centre, and by the grid worker; a called and a released co-unit.
    session.execute(
        update(Case)
        .where(Case.id.in_(ids[0:30:3]))
        .values(division_code=None, district_code=None, street_code=None, receiving_unit_id=unit["C11"])
    )
    session.execute(
        update(Case).where(Case.id.in_(ids[1:30:3])).values(division_code=None, created_by="list_grid")
    )
    now = datetime(2025, 6, 1, tzinfo=UTC)
    department = unit["D110105-urban_management"]
    # A called and a released co-unit; and a case the department holds twice (lead and co). Its lead
    # assignment names the case's lead unit, as dispatch leaves it (tests/cases/lifecycle).
    for case_id, status, role in (
        (ids[40], AssignmentStatus.called, AssignmentRole.co),
        (ids[41], AssignmentStatus.released, AssignmentRole.co),
        (ids[42], AssignmentStatus.checked_in, AssignmentRole.lead),
        (ids[42], AssignmentStatus.called, AssignmentRole.co),
    ):
        received = session.get_one(Case, case_id).received_at
        session.add(
            CaseAssignment(
                case_id=case_id,
                unit_id=department,
                role=role,
                status=status,
                assigned_at=now,
                case_received_at=received,
            )
        )
    session.execute(update(Case).where(Case.id == ids[42]).values(lead_unit_id=department))
    # Ties in the sort keys: the id breaks them, newest first.
    session.execute(update(Case).where(Case.id.in_(ids[50:60])).values(received_at=now, updated_at=now))
    session.flush()
    return actors


def _filters(session: Session) -> dict[str, CaseFilter]:
    first = taxonomy.by_code(session, "02")
    assert first is not None
    return {
        "none": CaseFilter(),
        "state": CaseFilter(state=[CaseState.closed, CaseState.reported]),
        "dates": CaseFilter(
            received_from=datetime(2025, 3, 1, tzinfo=UTC), received_to=datetime(2025, 9, 1, tzinfo=UTC)
        ),
        "category": CaseFilter(category_ids=taxonomy.subtree_ids(session, first.code)),
        "text2": CaseFilter(q="噪音"),
        "text1": CaseFilter(q="路"),
        "text4": CaseFilter(q="小区门口"),
        "combined": CaseFilter(
            state=[CaseState.closed],
            q="小区",
            received_from=datetime(2025, 2, 1, tzinfo=UTC),
            demand_type="complaint",
        ),
        "division": CaseFilter(division="110105"),
    }


def test_keyset_pages_equal_the_offset_pages_for_every_role_and_filter(
    session: Session, demo: dict[str, Actor]
) -> None:
    seen = 0
    for name, actor in demo.items():
        for label, f in _filters(session).items():
            expected = offset_pages(session, actor, f, "-received_at")
            if name == "admin" and label in ("none", "text2", "category", "combined"):
                assert expected[0], label  # the fixture exercises the filter
            assert keyset_pages(session, actor, f, "-received_at") == expected, (name, label)
            seen += len(expected[0])
    assert seen > 2000  # the fixture is not empty for the roles


def test_every_sort_keeps_its_order_and_ties(session: Session, demo: dict[str, Actor]) -> None:
    for sort in [*SORTS, *(f"-{s}" for s in SORTS)]:
        for name in ("admin", "operator", "street", "department"):
            for f in (CaseFilter(), CaseFilter(q="噪音")):
                expected = offset_pages(session, demo[name], f, sort)
                assert keyset_pages(session, demo[name], f, sort) == expected, (sort, name)


def test_the_branches_are_the_readable_statement_split(session: Session, demo: dict[str, Actor]) -> None:
    """Whoever changes ``readable_cases`` changes ``readable_branches`` with it: the same set, always."""
    for name, actor in demo.items():
        whole = set(session.scalars(readable_cases(actor).with_only_columns(Case.id)))
        branches = readable_branches(actor)
        if branches is None:
            split = set(session.scalars(select(Case.id)))
        else:
            split = {i for b in branches for i in session.scalars(select(Case.id).where(b.condition))}
        assert split == whole, name


def test_a_common_word_found_without_the_index_finds_the_same_cases(
    session: Session, demo: dict[str, Actor]
) -> None:
    """PostgreSQL walks a scope for a common word (LIKE alone) and asks the bigram index for a rare
    one: both ways find the same cases (``text_stats`` only chooses the faster)."""
    dialect = session.get_bind().dialect.name
    for q in ("噪音", "路", "小区门口", "小区", "防坠井盖缺失"):
        f = CaseFilter(q=q)
        by_index = session.scalars(filtered(select(Case.id), f, dialect, text_index=True)).all()
        walked = session.scalars(filtered(select(Case.id), f, dialect, text_index=False)).all()
        assert sorted(by_index) == sorted(walked), q
        if q == "噪音":
            assert walked  # the fixture holds the word
