"""assessment: per lead unit, closure kind and day (UTC+8), the counts behind the 三率, kept by triggers

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07 00:10:00

The month's assessment used to read every closed case of the month (1.8 M rows in Beijing). The table
``assessment_daily_sums`` holds what those cases add up to per (lead unit, closure kind, day of
``closed_at`` in UTC+8); a month adds up ~50 k small rows instead. The day is Beijing's (China keeps no
daylight saving time), so a Beijing month or date range is whole days; in another ``ZHILI_TIMEZONE``
the part days at a period's edges are read from the cases.

Triggers on ``cases`` keep it: a row counts while ``state = 'closed'`` with a lead unit, a closure kind
and a closed time; an insert adds it, a delete takes it away, an update of any column it depends on
takes the old row away and adds the new one. They fire for every write (ORM, bulk SQL, COPY), except
on PostgreSQL under ``session_replication_role = replica``; after such a load, rebuild the table
(``zhili assess rebuild-daily``). A migration that later rebuilds ``cases`` on SQLite (batch mode)
drops these triggers with the old table and must create them again (see ``_sqlite_triggers``).
The upgrade fills the table from the cases already there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0032"
down_revision: str | None = "0031"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "assessment_daily_sums"
KEY = ("lead_unit_id", "closure_kind", "day")
SUMS = ("cases", "responded", "answered", "solved", "rated", "satisfied", "basic", "reopens")
# The columns a row's contribution depends on: an update of any other column changes nothing here.
SOURCES = (
    "state",
    "lead_unit_id",
    "closure_kind",
    "closed_at",
    "contacted_at",
    "contact_due",
    "visit_solved",
    "satisfaction",
    "reopen_count",
)


def _counted(row: str) -> str:
    return (
        f"{row}.state = 'closed' AND {row}.lead_unit_id IS NOT NULL "
        f"AND {row}.closure_kind IS NOT NULL AND {row}.closed_at IS NOT NULL"
    )


def _flag(condition: str) -> str:
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def _values(row: str, dialect: str) -> list[str]:
    """The row's contribution, in the order of KEY + SUMS (what aggregates._measures counts)."""
    day = (
        f"date({row}.closed_at, '+8 hours')"
        if dialect == "sqlite"
        else f"({row}.closed_at AT TIME ZONE 'UTC' + interval '8 hours')::date"
    )
    solved = f"{row}.visit_solved = 1" if dialect == "sqlite" else f"{row}.visit_solved IS TRUE"
    return [
        f"{row}.lead_unit_id",
        f"{row}.closure_kind",
        day,
        "1",
        _flag(f"{row}.contact_due IS NULL OR {row}.contacted_at <= {row}.contact_due"),
        _flag(f"{row}.visit_solved IS NOT NULL"),
        _flag(solved),
        _flag(f"{row}.satisfaction IS NOT NULL"),
        _flag(f"{row}.satisfaction = 'satisfied'"),
        _flag(f"{row}.satisfaction = 'basically_satisfied'"),
        f"coalesce({row}.reopen_count, 0)",
    ]


def _upsert(row: str, sign: int, dialect: str) -> str:
    values = _values(row, dialect)
    signed = values[:3] + [f"{'-' if sign < 0 else ''}{v}" for v in values[3:]]
    columns = ", ".join(KEY + SUMS)
    added = ", ".join(f"{c} = {TABLE}.{c} + excluded.{c}" for c in SUMS)
    return (
        f"INSERT INTO {TABLE} ({columns}) VALUES ({', '.join(signed)}) "
        f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {added};"
    )


def _changed() -> str:
    return " OR ".join(f"old.{c} IS NOT new.{c}" for c in SOURCES)


def _sqlite_triggers() -> list[str]:
    of = ", ".join(SOURCES)
    return [
        f"CREATE TRIGGER {TABLE}_insert AFTER INSERT ON cases WHEN {_counted('new')} "
        f"BEGIN {_upsert('new', 1, 'sqlite')} END",
        f"CREATE TRIGGER {TABLE}_delete AFTER DELETE ON cases WHEN {_counted('old')} "
        f"BEGIN {_upsert('old', -1, 'sqlite')} END",
        f"CREATE TRIGGER {TABLE}_update_old AFTER UPDATE OF {of} ON cases "
        f"WHEN ({_counted('old')}) AND ({_changed()}) BEGIN {_upsert('old', -1, 'sqlite')} END",
        f"CREATE TRIGGER {TABLE}_update_new AFTER UPDATE OF {of} ON cases "
        f"WHEN ({_counted('new')}) AND ({_changed()}) BEGIN {_upsert('new', 1, 'sqlite')} END",
    ]


def _postgresql_trigger() -> list[str]:
    old = ", ".join(f"old.{c}" for c in SOURCES)
    new = ", ".join(f"new.{c}" for c in SOURCES)
    function = f"""
CREATE FUNCTION {TABLE}_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND ({old}) IS NOT DISTINCT FROM ({new}) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' AND {_counted("old")} THEN
    {_upsert("old", -1, "postgresql")}
  END IF;
  IF TG_OP <> 'DELETE' AND {_counted("new")} THEN
    {_upsert("new", 1, "postgresql")}
  END IF;
  RETURN NULL;
END
$$
"""
    trigger = (
        f"CREATE TRIGGER {TABLE}_apply AFTER INSERT OR DELETE OR UPDATE OF {', '.join(SOURCES)} "
        f"ON cases FOR EACH ROW EXECUTE FUNCTION {TABLE}_apply()"
    )
    return [function, trigger]


def _backfill(dialect: str) -> str:
    values = _values("c", dialect)
    sums = ", ".join(f"sum{v}" if v.startswith("(") else f"sum({v})" for v in values[3:])
    return (
        f"INSERT INTO {TABLE} ({', '.join(KEY + SUMS)}) "
        f"SELECT {', '.join(values[:3])}, {sums} FROM cases AS c WHERE {_counted('c')} "
        f"GROUP BY {', '.join(values[:3])}"
    )


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("lead_unit_id", sa.Integer(), nullable=False),
        sa.Column("closure_kind", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in SUMS),
        # In GROUP BY order: a period is one range per unit and kind, however many years the table holds.
        sa.PrimaryKeyConstraint(*KEY, name=op.f("pk_assessment_daily_sums")),
        sqlite_with_rowid=False,  # the rows are read in key order: the key is the table
    )
    dialect = op.get_bind().dialect.name
    op.execute(_backfill(dialect))
    for statement in _sqlite_triggers() if dialect == "sqlite" else _postgresql_trigger():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("insert", "delete", "update_old", "update_new"):
            op.execute(f"DROP TRIGGER {TABLE}_{name}")
    else:
        op.execute(f"DROP TRIGGER {TABLE}_apply ON cases")
        op.execute(f"DROP FUNCTION {TABLE}_apply()")
    op.drop_table(TABLE)
