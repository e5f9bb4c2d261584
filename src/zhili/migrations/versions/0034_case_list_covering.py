"""case lists: the scope branches' indexes carry the columns a list filters on (PostgreSQL)

A list's count reads up to 10,000 of the actor's cases, and its page the newest 51, each branch from
its own index in ``(received_at, id)`` order (migration 0022). Asked for a state or a category, each
entry of the range was checked against the table's row: at a Beijing year (20 M cases) a street's
``state = signed`` count read its 65,000 cases off the table and ran out of its time budget, and a
district's count with no filter fetched 10,001 rows, because its index is on an expression of the
division code. The indexes now carry the state, the category and the 督办 marks (overdue, warning),
and the division code where the branch's condition names it but the key does not (a district's and a
street's expression, the city's prefix on ``ix_cases_recent``): PostgreSQL plans an index-only scan
only when every column the query names is in the index. Those questions are answered from the index
alone wherever the table's pages are all-visible (vacuumed), which is all but the newest. SQLite keeps
its indexes as they were (it has no included columns).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 23:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FILTERS = "state, category_id, overdue, warning"
# A new index on an expression (a district's, a street's substr) has no statistics until the table is
# analysed, and the planner would guess how many cases a street holds.
STATISTICS = "ANALYZE cases"
RANGES = (
    ("ix_cases_district_recent", "substr(division_code, 1, 6), received_at, id", "division_code, "),
    ("ix_cases_street_recent", "substr(division_code, 1, 9), received_at, id", "division_code, "),
    ("ix_cases_division_recent", "division_code, received_at, id", ""),
    ("ix_cases_lead_recent", "lead_unit_id, received_at, id", ""),
    ("ix_cases_recent", "received_at, id", "division_code, "),
)


def upgrade() -> None:
    _rebuild(covering=True)


def downgrade() -> None:
    _rebuild(covering=False)


def _rebuild(*, covering: bool) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns, division in RANGES:
        carried = f" INCLUDE ({division}{FILTERS})" if covering else ""
        op.execute(f"DROP INDEX {name}")
        op.execute(f"CREATE INDEX {name} ON cases ({columns}){carried}")
    op.execute(STATISTICS)
