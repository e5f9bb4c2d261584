"""The filter every view takes (dates, area, category, channel, type) and the actor's scope, as SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from zhili.analytics.store_schema import month_of
from zhili.auth.scope import Actor
from zhili.errors import ValidationFailed


@dataclass(frozen=True)
class Reach:
    """What part of the store an actor's views cover: the actor's jurisdiction (division prefixes),
    or, for a department that only sees the cases assigned to it, its unit as lead unit."""

    everything: bool = False
    division_codes: frozenset[str] = frozenset()
    unit_code: str | None = None

    @classmethod
    def of(cls, actor: Actor) -> Reach:
        scope = actor.scope
        return cls(scope.everything, scope.division_codes, actor.unit_code)


CITY = Reach(everything=True)


@dataclass(frozen=True)
class ViewFilter:
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    district: str | None = None
    street: str | None = None
    community: str | None = None
    category: str | None = None  # a code prefix: "12" covers 1201, 120501 …
    channel: str | None = None
    demand_type: str | None = None

    def __post_init__(self) -> None:
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationFailed("开始日期不能晚于结束日期", field="date_from")
        for name in ("district", "street", "community", "category"):
            value = getattr(self, name)
            if value is not None and not (value.isascii() and value.isdigit()):
                raise ValidationFailed(f"{name} 须为数字编码", field=name)

    @property
    def month(self) -> str | None:
        """ "YYYY-MM" when both dates are set and fall in one month; else None."""
        if self.date_from is None or self.date_to is None:
            return None
        first, last = month_of(self.date_from), month_of(self.date_to)
        return first if first == last else None

    def equalities(self) -> list[tuple[str, str]]:
        """The area, channel and demand type that are set, each with its column in the cases."""
        pairs = (
            ("district_code", self.district),
            ("street_code", self.street),
            ("community_code", self.community),
            ("channel", self.channel),
            ("demand_type", self.demand_type),
        )
        return [(column, value) for column, value in pairs if value]


@dataclass
class Where:
    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) if self.clauses else "TRUE"


def where_for(reach: Reach, f: ViewFilter) -> Where:
    where = Where()
    if not reach.everything:
        codes = sorted(reach.division_codes)
        if codes:
            where.add("(" + " OR ".join("starts_with(division_code, ?)" for _ in codes) + ")", *codes)
        elif reach.unit_code:
            where.add("lead_unit = ?", reach.unit_code)
        else:
            where.add("FALSE")
    if f.date_from:
        where.add("local_date >= ?", f.date_from)
        where.add("month >= ?", f"{f.date_from:%Y-%m}")  # partition pruning
    if f.date_to:
        where.add("local_date <= ?", f.date_to)
        where.add("month <= ?", f"{f.date_to:%Y-%m}")
    add_column_filters(where, f)
    return where


def add_column_filters(where: Where, f: ViewFilter) -> None:
    """The filter's area, channel and demand type as equalities, and its category as a code prefix:
    the same clauses on the cases and on a rollup (chosen only when it has every column named here)."""
    for column, value in f.equalities():
        where.add(f"{column} = ?", value)
    if f.category:
        where.add("starts_with(category_code, ?)", f.category)
