"""Text search over a case's public texts (title, description, address, reply) on an index.

PostgreSQL: ``zhili_bigrams(document) @@ 'b1' & 'b2' & …`` finds the cases whose texts hold every
character bigram of the query on the GIN index of migration 0022. SQLite: the FTS5 table
``cases_fts`` (trigram tokenizer) finds those holding the query as a phrase; FTS5 trigrams need three
characters, so a query of one or two characters (噪音) is matched with ``LIKE`` alone. Either way a
``LIKE`` on each text keeps the answer exactly "some text contains the query", as before the index;
the index only narrows the rows it runs on. A query equal to a tracking code also finds that case.
Personal data is stored encrypted and never searched.

A common word (噪音 in a quarter of all demands) is better found without the index: a list walks its
scope in ``received_at`` order and meets a page of matches within a few hundred rows, where the GIN
index would first collect every match in the table (and the bigram function would run on each row
the planner reads another way). ``text_stats`` asks PostgreSQL's statistics how common the query is.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    and_,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from zhili.cases.models import SEARCH_DOCUMENT, Case

# What a tracking code may be (zhili's own, or a legacy one the importer accepted).
CODE_LIKE = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
TRIGRAM = 3
BIGRAM = 2
FTS = table("cases_fts", column("rowid"))
COMMON_SHARE = 0.01  # a query PostgreSQL expects in more than 1 % of the cases is walked, not indexed


def _contains(q: str) -> ColumnElement[bool]:
    return or_(
        Case.title.contains(q, autoescape=True),
        Case.description.contains(q, autoescape=True),
        Case.address.contains(q, autoescape=True),
        Case.reply.contains(q, autoescape=True),
    )


def bigram_query(q: str) -> str:
    """The tsquery text "every bigram of q", each bigram quoted as a literal lexeme."""
    grams = sorted({q[i : i + BIGRAM] for i in range(len(q) - 1)})
    return " & ".join("'" + g.replace("\\", "\\\\").replace("'", "''") + "'" for g in grams)


def text_share(session: Session, q: str) -> float | None:
    """PostgreSQL: the share of cases whose texts hold every bigram of ``q``, by the statistics of the
    bigram index (None: ``q`` has no bigram, or the table was never analysed)."""
    if len(q) < BIGRAM:
        return None
    document = f"zhili_bigrams({SEARCH_DOCUMENT})"
    plan = session.execute(
        text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM cases WHERE {document} @@ CAST(:q AS tsquery)"),
        {"q": bigram_query(q)},
    ).scalar_one()
    expected = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
    held = session.execute(
        text("SELECT reltuples FROM pg_class WHERE oid = CAST('cases' AS regclass)")
    ).scalar()
    return None if held is None or held <= 0 else min(1.0, float(expected) / float(held))


@dataclass(frozen=True)
class TextStats:
    """What a list needs to know of its text, asked of PostgreSQL's statistics once per list."""

    share: float | None = None  # see ``text_share``; None too without a text, or off PostgreSQL
    indexed: bool = True  # whether the bigram index pays: the text is rare enough (or unknown)


def text_stats(session: Session, q: str | None) -> TextStats:
    """The statistics of ``q`` on PostgreSQL; elsewhere, or without a text, the defaults."""
    if not q or session.get_bind().dialect.name != "postgresql":
        return TextStats()
    if len(q) < BIGRAM:
        return TextStats(indexed=False)
    share = text_share(session, q)
    return TextStats(share, share is None or share <= COMMON_SHARE)


def matches(q: str, dialect: str, *, indexed: bool = True) -> ColumnElement[bool]:
    """Cases whose title, description, address or reply contains ``q``, or whose code is ``q``.
    ``indexed=False`` (PostgreSQL, a common word): the ``LIKE`` alone, on the rows the scope reads."""
    found = _contains(q)
    if dialect == "postgresql" and len(q) >= BIGRAM and indexed:
        document = func.zhili_bigrams(literal_column(f"({SEARCH_DOCUMENT})"))
        query = cast(literal(bigram_query(q)), TSQUERY)
        found = and_(found, document.op("@@")(query))  # LIKE first: it spares most rows the function
    elif dialect == "sqlite" and len(q) >= TRIGRAM:
        phrase = '"' + q.replace('"', '""') + '"'
        rows = select(FTS.c.rowid).where(literal_column("cases_fts").op("MATCH")(literal(phrase)))
        found = and_(Case.id.in_(rows), found)
    # A tracking code is at most 24 letters, digits, - or _: only such a query can be one (and a
    # Chinese query is then a single indexed condition, which the planner serves better than an OR).
    return or_(found, Case.code == q) if CODE_LIKE.match(q) else found
