"""Queries on divisions and their resident population. Divisions are public reference data, so reads
need no actor scope (population is read by staff routes only)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import BindParameter, Select, bindparam, func, select
from sqlalchemy.orm import Session

from zhili.divisions.models import Division, DivisionLevel, DivisionPopulation
from zhili.divisions.records import LEVEL_ORDER

SEARCH_LIMIT = 50
# Keeps IN (...) lists well below SQLite's and PostgreSQL's bound-parameter limits.
IN_CHUNK = 1000


def in_chunks(codes: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(codes), IN_CHUNK):
        yield codes[start : start + IN_CHUNK]


@dataclass(frozen=True)
class DivisionItem:
    """A division row without its (large, deferred) boundary, plus how many children it has."""

    code: str
    name: str
    level: DivisionLevel
    parent_code: str | None
    center_lng: float | None
    center_lat: float | None
    child_count: int


# The columns of DivisionItem, without the boundary.
_ItemSelect = Select[str, str, DivisionLevel, str | None, float | None, float | None]
_COLUMNS = (
    Division.code,
    Division.name,
    Division.level,
    Division.parent_code,
    Division.center_lng,
    Division.center_lat,
)


def child_counts(session: Session, codes: Sequence[str]) -> dict[str, int]:
    if not codes:
        return {}
    statement = (
        select(Division.parent_code, func.count())
        .where(Division.parent_code.in_(codes))
        .group_by(Division.parent_code)
    )
    return {str(parent): int(count) for parent, count in session.execute(statement)}


def _items(session: Session, statement: _ItemSelect) -> list[DivisionItem]:
    rows = session.execute(statement).all()
    counts = child_counts(session, [row.code for row in rows])
    return [
        DivisionItem(
            code=row.code,
            name=row.name,
            level=DivisionLevel(row.level),
            parent_code=row.parent_code,
            center_lng=row.center_lng,
            center_lat=row.center_lat,
            child_count=counts.get(row.code, 0),
        )
        for row in rows
    ]


def get(session: Session, code: str) -> Division | None:
    return session.get(Division, code)


def get_item(session: Session, code: str) -> DivisionItem | None:
    items = _items(session, select(*_COLUMNS).where(Division.code == code))
    return items[0] if items else None


def children(session: Session, parent_code: str | None) -> list[DivisionItem]:
    """The divisions directly under ``parent_code``; with None, the top-level cities."""
    statement = select(*_COLUMNS).order_by(Division.code)
    if parent_code is None:
        statement = statement.where(Division.parent_code.is_(None))
    else:
        statement = statement.where(Division.parent_code == parent_code)
    return _items(session, statement)


def ancestors(session: Session, division: Division | DivisionItem) -> list[DivisionItem]:
    """The chain from the city down to the division's parent (codes are prefixes of one another)."""
    prefixes = [division.code[:length] for length in (2, 4, 6, 9) if length < len(division.code)]
    if not prefixes:
        return []
    items = _items(session, select(*_COLUMNS).where(Division.code.in_(prefixes)))
    return sorted(items, key=lambda item: len(item.code))


def counts_by_level(session: Session, within: str | None = None) -> dict[DivisionLevel, int]:
    """How many divisions of each level, optionally only those inside the division ``within``."""
    statement = select(Division.level, func.count()).group_by(Division.level)
    if within:
        statement = statement.where(Division.code.startswith(within, autoescape=True))
    found = {DivisionLevel(level): int(count) for level, count in session.execute(statement)}
    return {level: found.get(level, 0) for level in sorted(DivisionLevel, key=LEVEL_ORDER.__getitem__)}


def search(
    session: Session,
    text: str,
    *,
    within: str | None = None,
    level: DivisionLevel | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[DivisionItem]:
    """Divisions whose name contains ``text``; exact and shorter names (higher levels) first."""
    text = text.strip()
    if not text:
        return []
    statement = select(*_COLUMNS).where(Division.name.contains(text, autoescape=True))
    if within:
        statement = statement.where(Division.code.startswith(within, autoescape=True))
    if level is not None:
        statement = statement.where(Division.level == level)
    statement = statement.order_by(
        (Division.name != text), func.length(Division.code), func.length(Division.name), Division.code
    ).limit(limit)
    return _items(session, statement)


def names_of(session: Session, codes: Collection[str]) -> dict[str, str]:
    """Code → name of the given divisions (any level); unknown codes are left out.

    The codes are rendered into the statement rather than bound one parameter each: for the few
    hundred codes of an analytics answer that is several times faster on PostgreSQL, and only digit
    strings (what division codes are) get that far."""
    wanted = sorted({code for code in codes if code.isascii() and code.isdigit()})
    found: dict[str, str] = {}
    for chunk in in_chunks(wanted):
        listed: BindParameter[list[str]] = bindparam(
            "codes", list(chunk), expanding=True, literal_execute=True
        )
        statement = select(Division.code, Division.name).where(Division.code.in_(listed))
        found.update({code: name for code, name in session.execute(statement)})
    return found


@dataclass(frozen=True)
class PopulationItem:
    code: str
    year: int
    residents: int
    source: str
    recorded_by: str
    recorded_at: datetime


def latest_populations(
    session: Session, codes: Collection[str], *, year: int | None = None
) -> dict[str, PopulationItem]:
    """Per division code, its population of the latest year (at or before ``year`` when given);
    divisions without any are left out. ``codes`` is a short list: a division's children, a view's keys."""
    if not codes:
        return {}
    statement = (
        select(DivisionPopulation)
        .where(DivisionPopulation.division_code.in_(sorted(set(codes))))
        .order_by(DivisionPopulation.year)
    )
    if year is not None:
        statement = statement.where(DivisionPopulation.year <= year)
    # Ordered by year, so the last row of a code wins.
    return {
        row.division_code: PopulationItem(
            row.division_code, row.year, row.residents, row.source, row.recorded_by, row.recorded_at
        )
        for row in session.scalars(statement)
    }


def code_by_name(session: Session, name: str, level: DivisionLevel) -> str | None:
    """The code of the one division of ``level`` called exactly ``name`` (None if none or several)."""
    codes = (
        session.execute(
            select(Division.code).where(Division.name == name.strip(), Division.level == level).limit(2)
        )
        .scalars()
        .all()
    )
    return codes[0] if len(codes) == 1 else None
