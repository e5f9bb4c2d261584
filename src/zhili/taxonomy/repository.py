"""Queries over categories and time-limit rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.taxonomy.models import Category, TimeLimitPolicy


def by_code(session: Session, code: str) -> Category | None:
    return session.execute(select(Category).where(Category.code == code)).scalar_one_or_none()


def names(session: Session) -> dict[str, str]:
    """Code → name of every category, active or not (old cases keep retired categories)."""
    return {code: name for code, name in session.execute(select(Category.code, Category.name))}


def all_categories(session: Session, active_only: bool = True) -> Sequence[Category]:
    query = select(Category).order_by(Category.code)
    if active_only:
        query = query.where(Category.active.is_(True))
    return session.execute(query).scalars().all()


def policies(session: Session) -> Sequence[TimeLimitPolicy]:
    return (
        session.execute(select(TimeLimitPolicy).order_by(TimeLimitPolicy.priority, TimeLimitPolicy.id))
        .scalars()
        .all()
    )


def category_path(session: Session, category: Category) -> list[Category]:
    """Level 1 → the category itself."""
    codes = [category.code[: 2 * n] for n in range(1, category.level + 1)]
    found = {c.code: c for c in session.execute(select(Category).where(Category.code.in_(codes))).scalars()}
    return [found[c] for c in codes if c in found]


def subtree_ids(session: Session, code: str) -> list[int] | None:
    """Ids of the category ``code`` and everything below it (codes are hierarchical prefixes), in one
    statement; None when no category has that code."""
    rows = session.execute(
        select(Category.id, Category.code).where(Category.code.startswith(code, autoescape=True))
    ).all()
    return [row.id for row in rows] if any(row.code == code for row in rows) else None
