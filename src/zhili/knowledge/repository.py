"""Queries over knowledge-base entries. The knowledge base is city-wide: every staff user may read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from zhili.errors import NotFound
from zhili.knowledge.models import KnowledgeEntry
from zhili.taxonomy.models import Category

NOT_FOUND_MESSAGE = "知识库条目不存在"


@dataclass(frozen=True)
class EntryRow:
    """An entry with its category's code and name (both None when it has no category)."""

    entry: KnowledgeEntry
    category_code: str | None
    category_name: str | None


def _with_category() -> Select[KnowledgeEntry, str, str]:
    return select(KnowledgeEntry, Category.code, Category.name).outerjoin(
        Category, Category.id == KnowledgeEntry.category_id
    )


def _rows(session: Session, statement: Select[KnowledgeEntry, str, str]) -> list[EntryRow]:
    return [EntryRow(entry, code, name) for entry, code, name in session.execute(statement)]


def get(session: Session, entry_id: int) -> KnowledgeEntry:
    entry = session.get(KnowledgeEntry, entry_id)
    if entry is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return entry


def get_row(session: Session, entry_id: int) -> EntryRow:
    rows = _rows(session, _with_category().where(KnowledgeEntry.id == entry_id))
    if not rows:
        raise NotFound(NOT_FOUND_MESSAGE)
    return rows[0]


def by_question(session: Session, question: str) -> KnowledgeEntry | None:
    return session.execute(
        select(KnowledgeEntry).where(KnowledgeEntry.question == question).order_by(KnowledgeEntry.id).limit(1)
    ).scalar_one_or_none()


def list_entries(
    session: Session,
    *,
    q: str | None = None,
    category_prefix: str | None = None,
    include_inactive: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[EntryRow], int]:
    """Entries whose question, keywords or answer contain ``q`` (plain substring), newest first."""
    statement = _with_category()
    if not include_inactive:
        statement = statement.where(KnowledgeEntry.active.is_(True))
    if category_prefix:
        statement = statement.where(Category.code.startswith(category_prefix, autoescape=True))
    if q:
        statement = statement.where(
            or_(
                KnowledgeEntry.question.contains(q, autoescape=True),
                KnowledgeEntry.keywords.contains(q, autoescape=True),
                KnowledgeEntry.answer.contains(q, autoescape=True),
            )
        )
    total = session.execute(
        select(func.count()).select_from(statement.order_by(None).subquery())
    ).scalar_one()
    ordered = statement.order_by(KnowledgeEntry.updated_at.desc(), KnowledgeEntry.id.desc())
    rows = _rows(session, ordered.limit(limit).offset(offset))
    return rows, int(total)


def rows_by_ids(session: Session, ids: Sequence[int]) -> dict[int, EntryRow]:
    if not ids:
        return {}
    rows = _rows(session, _with_category().where(KnowledgeEntry.id.in_(ids)))
    return {row.entry.id: row for row in rows}


def index_rows(session: Session) -> Sequence[Any]:
    """What the search index needs of every active entry: id, question, keywords, answer, category."""
    return session.execute(
        select(
            KnowledgeEntry.id,
            KnowledgeEntry.question,
            KnowledgeEntry.keywords,
            KnowledgeEntry.answer,
            Category.code,
        )
        .outerjoin(Category, Category.id == KnowledgeEntry.category_id)
        .where(KnowledgeEntry.active.is_(True))
        .order_by(KnowledgeEntry.id)
    ).all()


def signature(session: Session) -> tuple[Any, ...]:
    """Changes whenever an entry is added, edited or deactivated (each write sets ``updated_at``):
    the index's freshness across processes."""
    row = session.execute(
        select(func.count(), func.max(KnowledgeEntry.id), func.max(KnowledgeEntry.updated_at))
    ).one()
    return tuple(row)
