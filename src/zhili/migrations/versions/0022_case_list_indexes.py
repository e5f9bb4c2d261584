"""cases: indexes that serve the case lists (keyset pages per scope branch) and the text search

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-06 17:30:00

- ``(received_at, id)`` replaces ``received_at`` alone: a keyset page seeks to its cursor.
- One index per scope branch, each ending in ``(received_at, id)`` so that a page of that branch is
  an index range: the district (the first 6 digits of the division code), the street (9 digits),
  the exact division (a community), the lead unit.
- Text search over title, description, address and reply (never personal data, which is only
  stored encrypted). PostgreSQL: a GIN index over the character bigrams of the four texts, built by
  the function ``zhili_bigrams`` defined here (no extension needed). SQLite: an FTS5 table with the
  trigram tokenizer, kept current by triggers; it stores no copy of the texts (``content='cases'``).
  A migration that later rebuilds ``cases`` on SQLite (batch mode) drops these triggers with the old
  table and must create them again (see ``_sqlite_triggers``).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TEXTS = "title, description, address, reply"
# The document the PostgreSQL index covers; the search query repeats this expression exactly.
DOCUMENT = (
    "coalesce(title, '') || ' ' || coalesce(description, '') || ' ' || "
    "coalesce(address, '') || ' ' || coalesce(reply, '')"
)
BIGRAMS = """
CREATE FUNCTION zhili_bigrams(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$
  SELECT array_to_tsvector(coalesce(array_agg(substr(doc, i, 2)), '{}'::text[]))
  FROM generate_series(1, char_length(doc) - 1) AS i
$$
"""
RANGES = (
    ("ix_cases_district_recent", "substr(division_code, 1, 6), received_at, id"),
    ("ix_cases_street_recent", "substr(division_code, 1, 9), received_at, id"),
    ("ix_cases_division_recent", "division_code, received_at, id"),
    ("ix_cases_lead_recent", "lead_unit_id, received_at, id"),
    ("ix_cases_recent", "received_at, id"),
)


def _sqlite_triggers() -> list[str]:
    values = "new.id, new.title, new.description, new.address, new.reply"
    old = "'delete', old.id, old.title, old.description, old.address, old.reply"
    insert = f"INSERT INTO cases_fts(rowid, {TEXTS}) VALUES ({values});"
    remove = f"INSERT INTO cases_fts(cases_fts, rowid, {TEXTS}) VALUES ({old});"
    return [
        f"CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN {insert} END",
        f"CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN {remove} END",
        f"CREATE TRIGGER cases_fts_update AFTER UPDATE OF {TEXTS} ON cases BEGIN {remove} {insert} END",
    ]


def upgrade() -> None:
    op.drop_index("ix_cases_received_at", table_name="cases")
    for name, columns in RANGES:
        op.execute(f"CREATE INDEX {name} ON cases ({columns})")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(BIGRAMS)
        op.execute(f"CREATE INDEX ix_cases_text_bigrams ON cases USING gin (zhili_bigrams({DOCUMENT}))")
        return
    op.execute(
        f"CREATE VIRTUAL TABLE cases_fts USING fts5({TEXTS}, content='cases', content_rowid='id', "
        "tokenize='trigram')"
    )
    for statement in _sqlite_triggers():
        op.execute(statement)
    op.execute("INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_text_bigrams")
        op.execute("DROP FUNCTION zhili_bigrams(text)")
    else:
        for name in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER cases_fts_{name}")
        op.execute("DROP TABLE cases_fts")
    for name, _ in RANGES:
        op.execute(f"DROP INDEX {name}")
    op.create_index("ix_cases_received_at", "cases", ["received_at"], unique=False)
