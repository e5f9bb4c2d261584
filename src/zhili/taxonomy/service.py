"""Load the default taxonomy and time-limit rules (idempotent; admins' edits are kept)."""

from __future__ import annotations

import csv
import io
from importlib import resources

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from zhili.taxonomy.defaults import DEFAULT_POLICIES
from zhili.taxonomy.models import Category, TimeLimitPolicy


def default_category_rows() -> list[dict[str, str]]:
    text = resources.files("zhili.taxonomy").joinpath("data/categories.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def load_default_categories(session: Session) -> int:
    """Insert the shipped categories whose codes are not there yet; returns how many were added."""
    ids = {code: cid for code, cid in session.execute(select(Category.code, Category.id))}
    added = 0
    # Rows are ordered parents first, and codes grow by two digits per level.
    for level in (1, 2, 3):
        fresh = [r for r in default_category_rows() if len(r["code"]) == level * 2 and r["code"] not in ids]
        if not fresh:
            continue
        session.execute(
            insert(Category),
            [
                {
                    "code": r["code"],
                    "name": r["name"],
                    "level": level,
                    "parent_id": ids.get(r["code"][:-2]) if level > 1 else None,
                    "default_unit_type": r["default_unit_type"] or None,
                    "keywords": r["keywords"],
                    "active": True,
                }
                for r in fresh
            ],
        )
        ids.update(
            {
                code: cid
                for code, cid in session.execute(
                    select(Category.code, Category.id).where(Category.code.in_([r["code"] for r in fresh]))
                )
            }
        )
        added += len(fresh)
    session.flush()
    return added


def load_default_policies(session: Session) -> int:
    if session.execute(select(func.count()).select_from(TimeLimitPolicy)).scalar_one():
        return 0
    session.execute(insert(TimeLimitPolicy), [{"active": True, **p} for p in DEFAULT_POLICIES])
    session.flush()
    return len(DEFAULT_POLICIES)
