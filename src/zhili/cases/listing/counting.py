"""How many cases a list holds: exact up to a cap, within a time budget, else the planner's estimate.

A list's page costs a few short index ranges however large the table (``pages``); its count must not
undo that. The count stops at ``COUNT_CAP`` ("10,000+"). On PostgreSQL it also stops after its
budget (``ZHILI_LIST_COUNT_BUDGET_MS``, 40 ms): some questions (a common word, several filters over
a district's year) find their matches so thinly spread that counting even 10,000 of them reads
hundreds of thousands of rows, and that reading grows with the table. Then the list says "约 N 件",
N being PostgreSQL's estimate for the same question (``estimated``), rather than keep the operator
waiting. SQLite (a single office's database) always counts exactly, up to the cap.

The caller may say how to estimate (``count``'s ``estimate``): the planner's own estimate of a UNION
adds its branches up, though a street's cases are mostly both in its area and led by it, and it takes
the four texts' ``LIKE`` as independent, though a case's title is repeated in its description and
reply; each put the count off by a factor of two or more. ``largest`` estimates a scope by
its largest branch, scaled by the share of cases holding the text (``search.text_share``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

COUNT_CAP = 10_000
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE when statement_timeout ends a query
SAVEPOINT = "zhili_count"
UNDO = f"ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}"


@dataclass(frozen=True)
class Count:
    total: int  # exact when neither capped nor estimated; COUNT_CAP when capped
    capped: bool  # more than COUNT_CAP ("10,000+")
    estimated: bool = False  # the planner's estimate ("约 N 件"): counting took longer than the budget


def count(
    session: Session,
    ids: Any,
    budget_ms: int = 0,
    estimate: Callable[[], Count] | None = None,
    *,
    first: str | None = None,
) -> Count:
    """Count the rows of the subquery ``ids`` (its column ``id``; each branch already LIMITed), for at
    most ``budget_ms`` on PostgreSQL (0: no limit). Past the budget: ``estimate()``, or else the
    planner's estimate of ``ids``. ``first``: SQL without parameters to run before, in the same round
    trip as the budget's (a setting for the rest of the transaction, say); it outlives the budget."""
    capped = select(func.count()).select_from(select(ids.c.id).limit(COUNT_CAP + 1).subquery())
    if session.get_bind().dialect.name != "postgresql" or budget_ms <= 0:
        if first:
            session.connection().exec_driver_sql(first)
        return _counted(session.execute(capped).scalar_one())
    # Three round trips: ``first``, the savepoint and the timeout in one, the count, and back to the
    # savepoint (which undoes the SET LOCAL, and a cancelled count's error; the count only read).
    connection = session.connection()
    budget = f"SAVEPOINT {SAVEPOINT}; SET LOCAL statement_timeout = {int(budget_ms)}"
    connection.exec_driver_sql(f"{first}; {budget}" if first else budget)
    try:
        found = session.execute(capped).scalar_one()
    except DBAPIError as exc:
        connection.exec_driver_sql(UNDO)
        if getattr(exc.orig, "sqlstate", None) != QUERY_CANCELED:
            raise
        return estimate() if estimate is not None else largest(session, [select(ids.c.id)])
    connection.exec_driver_sql(UNDO)
    return _counted(found)


def _counted(found: int) -> Count:
    return Count(min(int(found), COUNT_CAP), found > COUNT_CAP)


def at_least(counted: Count, seen: int) -> Count:
    """An estimate is never fewer than the rows a list has already read (its page, and one more when
    there is a next page); an exact count is left as it is."""
    if not counted.estimated or counted.capped or counted.total >= seen:
        return counted
    return Count(min(seen, COUNT_CAP), seen > COUNT_CAP, estimated=True)


def largest(session: Session, statements: Sequence[Select[Any]], share: float = 1.0) -> Count:
    """An estimate of a union's rows: PostgreSQL's estimate for its largest statement, times ``share``
    (at least 1: there were too many to count in time)."""
    rows = max(_planned_rows(session, statement) for statement in statements)
    estimate = max(1, round(rows * share))
    return Count(min(estimate, COUNT_CAP), estimate > COUNT_CAP, estimated=True)


def _planned_rows(session: Session, statement: Select[Any]) -> float:
    compiled = statement.compile(
        dialect=session.get_bind().dialect, compile_kwargs={"render_postcompile": True}
    )
    plan = session.connection().exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params)
    rows = plan.scalar_one()
    document = json.loads(rows) if isinstance(rows, str) else rows
    return float(document[0]["Plan"]["Plan Rows"])
