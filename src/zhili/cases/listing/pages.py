"""One page of a case list: keyset pages over the scope's branches, and a count that stops at a cap.

Each branch of the actor's scope (``repository.readable_branches``) is read in the list's order from
its own index, starting after the cursor and stopping after one page (plus the rows an old-style
``page`` skips, at most ``COUNT_CAP``); the branches' pages are merged (UNION, a case seen by two
branches once) and cut to the page. So page 500 costs what page 1 costs, and neither grows with the
table. The total is exact up to ``COUNT_CAP`` and otherwise reported as "more than" (``capped``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, select, true, union
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.listing.counting import COUNT_CAP, Count, at_least, count, largest
from zhili.cases.listing.cursor import Cursor, after, decode, encode
from zhili.cases.listing.filters import CaseFilter, filtered, sort_column
from zhili.cases.listing.search import TextStats, text_stats
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.repository import Branch, called_in, readable_branches
from zhili.cases.schemas import CaseSummary
from zhili.cases.views import summary_of, summary_select, summary_values

__all__ = ["COUNT_CAP", "Page", "count_capped", "estimate_count", "list_page"]


@dataclass(frozen=True)
class Page:
    rows: Sequence[CaseSummary]
    total: int  # exact when not capped; else COUNT_CAP ("10,000+")
    capped: bool
    next_cursor: str | None
    estimated: bool = False  # the total is PostgreSQL's estimate ("约 N 件"), see ``counting``


def _branches(actor: Actor) -> list[Branch]:
    branches = readable_branches(actor)
    return [Branch(true())] if branches is None else branches


def _merged(statements: list[Select[Any]]) -> Any:
    """One statement's rows, or the distinct rows of several (each read in a subquery of its own)."""
    if len(statements) == 1:
        return statements[0].subquery()
    parts = [select(*s.subquery().c) for s in statements]
    return union(*parts).subquery()


# Plan each list query for its own values (PostgreSQL). psycopg prepares a statement after five runs,
# and PostgreSQL may then keep one generic plan for every scope, date range and text; for a city's
# month that plan took 170–250 ms where the plan for the values takes 30–40 ms (1 M cases). And no JIT
# compilation: a count over a Beijing year is costed above ``jit_above_cost``, and compiling it took
# 10–40 ms that its time budget could not interrupt (the city's combined count took 85 ms on a 40 ms
# budget, 53 ms without JIT; 20 M cases). Sent in the count's first round trip, which every list makes
# before its page.
PLANNING = "SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL jit = off"


def _reading(branch: Branch, *columns: Any, alone: bool = False) -> Select[Any]:
    """``select(*columns)`` over the branch's cases: through the unit's assignments when it is the
    branch of the cases a unit is called into, so that its index, not the unit's history, bounds it.
    ``alone`` (see ``_alone``): from the assignments only, ``columns`` being theirs."""
    if branch.called_unit is None:
        return select(*columns).where(branch.condition)
    if alone:
        return select(*columns).select_from(CaseAssignment).where(called_in(branch.called_unit))
    return (
        select(*columns)
        .select_from(Case)
        .join(CaseAssignment, CaseAssignment.case_id == Case.id)
        .where(called_in(branch.called_unit))
    )


def _alone(branch: Branch, f: CaseFilter) -> bool:
    """The branch of a unit's assignments, asked nothing of the cases but their received dates: its
    count, and its page in received_at order, are read from the assignments' index alone. Joined to
    the cases, they probed a case per assignment, which at a Beijing year were pages off the cache."""
    return branch.called_unit is not None and f.dates_only()


def _ids(branch: Branch, f: CaseFilter) -> Select[Any]:
    """The branch's case ids, as the column ``id``."""
    if _alone(branch, f):
        return _reading(branch, CaseAssignment.case_id.label("id"), alone=True)
    return _reading(branch, Case.id)


def _filtered(branch: Branch, reading: Select[Any], f: CaseFilter, dialect: str, **kw: Any) -> Select[Any]:
    """``filtered``; on the branch read through a unit's assignments, the dates bound the assignments'
    copy of ``received_at`` (it never changes), their index's own range. Tested on the joined case, a
    month's deep page walked the unit's assignments down to the oldest, past the month, looking for
    rows that were not there; and a reading from the assignments alone has no case to test."""
    if branch.called_unit is None:
        return filtered(reading, f, dialect, **kw)
    statement = filtered(reading, replace(f, received_from=None, received_to=None), dialect, **kw)
    if f.received_from:
        statement = statement.where(CaseAssignment.case_received_at >= f.received_from)
    if f.received_to:
        statement = statement.where(CaseAssignment.case_received_at < f.received_to)
    return statement


def estimate_count(
    session: Session,
    actor: Actor,
    f: CaseFilter,
    *,
    text: TextStats | None = None,
    branches: Sequence[Branch] | None = None,
) -> Count:
    """The planner's estimate of a list's size: its scope's largest branch, and the text by its own
    statistics (see ``counting``). ``text``, ``branches``: when the caller has them already."""
    dialect = session.get_bind().dialect.name
    text = text or text_stats(session, f.q)
    scope = branches or _branches(actor)
    if f.q and text.share is None:
        statements = [_filtered(b, _ids(b, f), f, dialect, text_index=text.indexed) for b in scope]
        return largest(session, statements)
    without_text = replace(f, q=None)
    statements = [_filtered(b, _ids(b, without_text), without_text, dialect) for b in scope]
    return largest(session, statements, 1.0 if text.share is None else text.share)


def count_capped(
    session: Session,
    actor: Actor,
    f: CaseFilter,
    *,
    text: TextStats | None = None,
    budget_ms: int = 0,
    branches: Sequence[Branch] | None = None,
) -> Count:
    dialect = session.get_bind().dialect.name
    text = text or text_stats(session, f.q)
    scope = branches or _branches(actor)
    statements = [
        _filtered(branch, _ids(branch, f), f, dialect, text_index=text.indexed).limit(COUNT_CAP + 1)
        for branch in scope
    ]
    return count(
        session,
        _merged(statements),
        budget_ms,
        lambda: estimate_count(session, actor, f, text=text, branches=scope),
        first=PLANNING if dialect == "postgresql" else None,
    )


def list_page(
    session: Session,
    actor: Actor,
    f: CaseFilter,
    *,
    sort: str = "-received_at",
    limit: int = 50,
    cursor: str | None = None,
    offset: int = 0,
    count_budget_ms: int = 0,
) -> Page:
    """The page after ``cursor`` (or, for old clients, after ``offset`` rows; at most COUNT_CAP).
    ``count_budget_ms``: how long the count may take on PostgreSQL before it is estimated (0: exact)."""
    dialect = session.get_bind().dialect.name
    column, descending = sort_column(sort)
    position = decode(cursor, sort) if cursor else None
    window = offset + limit + 1
    text = text_stats(session, f.q)  # once: the count, its estimate and the page use it
    scope = _branches(actor)
    # First (it sets the plans for the page's query too): the count, within its budget.
    counted = count_capped(session, actor, f, text=text, budget_ms=count_budget_ms, branches=scope)
    statements = []
    for n, branch in enumerate(scope):
        if branch.called_unit is not None and column is Case.received_at:
            # The assignments' own copy of received_at, in their index's order: one range. A unit
            # holds a case at most once as a co-unit (unique case, unit, role).
            key, tie = CaseAssignment.case_received_at, CaseAssignment.case_id
            reading = _reading(branch, tie.label("id"), key.label("k"), alone=_alone(branch, f))
        else:
            key, tie = column, Case.id
            reading = _reading(branch, Case.id, key.label("k"))
        statement = _filtered(branch, reading, f, dialect, text_index=text.indexed)
        if position is not None:
            nulls_high = dialect != "sqlite"
            statement = statement.where(
                after(key, descending, position, nulls_high=nulls_high, id_column=tie)
            )
        order: list[Any] = [key.desc() if descending else key.asc(), tie.desc()]
        if not branch.ordered and key is column:
            # Read the whole branch, then sort: left to itself, the planner walks the index of the
            # list's order probing assignments, which costs what the table holds.
            whole = statement.cte(f"branch_{n}").prefix_with("MATERIALIZED")
            statement = select(whole.c.id, whole.c.k)
            order = [whole.c.k.desc() if descending else whole.c.k.asc(), whole.c.id.desc()]
        statements.append(statement.order_by(*order).limit(window))
    merged = _merged(statements)
    key = merged.c.k.desc() if descending else merged.c.k.asc()
    chosen = select(merged.c.id, merged.c.k).order_by(key, merged.c.id.desc()).offset(offset).limit(limit + 1)
    # The page's ids and what the list shows of them, in one statement.
    page = chosen.subquery()
    found = summary_values(
        session.execute(
            summary_select(page.c.k.label("sort_key"), of=page).order_by(
                page.c.k.desc() if descending else page.c.k.asc(), page.c.id.desc()
            )
        )
    )
    counted = at_least(counted, offset + len(found))
    following = None
    if len(found) > limit:
        found = found[:limit]
        last = found[-1]  # the page's own read carries the sort value the cursor needs
        following = encode(Cursor(sort, last["sort_key"], last["id"]))
    rows = [summary_of(values) for values in found]
    return Page(rows, counted.total, counted.capped, following, counted.estimated)
