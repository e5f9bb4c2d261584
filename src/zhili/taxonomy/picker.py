"""``GET /api/categories/pick``: a category of the three-level taxonomy by name, pinyin initials or
code, shown with its path (一级 › 二级) so that the most specific one can be chosen."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from zhili.deps import DbSession
from zhili.kernel.picker import Candidate, PickList, pick
from zhili.taxonomy.models import Category
from zhili.taxonomy.policy import CategoryReader

router = APIRouter(prefix="/api/categories", tags=["taxonomy"])


@router.get("/pick", response_model=PickList, summary="按名称、拼音首字母或编码选择诉求分类")
def pick_categories(
    session: DbSession,
    actor: CategoryReader,
    q: Annotated[str, Query(max_length=40)] = "",
    level: Annotated[int | None, Query(ge=1, le=3)] = None,
) -> PickList:
    rows = session.execute(
        select(Category.id, Category.code, Category.name, Category.level, Category.parent_id).where(
            Category.active.is_(True)
        )
    ).all()
    names = {cid: (name, parent) for cid, _, name, _, parent in rows}

    def path(parent: int | None) -> str | None:
        parts: list[str] = []
        while parent is not None and parent in names:
            name, parent = names[parent]
            parts.insert(0, name)
        return " › ".join(parts) or None

    return pick(
        q,
        (
            Candidate(code, name, path(parent))
            for _, code, name, lvl, parent in rows
            if level is None or lvl == level
        ),
    )
