"""JSON routes for the knowledge base (知识库): staff read and search it; dispatchers and admins edit it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from zhili.deps import DbSession
from zhili.kernel.clock import as_aware
from zhili.knowledge import repository, search, service
from zhili.knowledge.policy import KnowledgeEditor, KnowledgeReader
from zhili.knowledge.repository import EntryRow
from zhili.knowledge.schemas import (
    KnowledgeHit,
    KnowledgeIn,
    KnowledgeOut,
    KnowledgePage,
    KnowledgeSearchOut,
    KnowledgeUpdateIn,
    split_keywords,
)

router = APIRouter(prefix="/api/knowledge", tags=["knowledge"])

CategoryPrefix = Annotated[str | None, Query(max_length=16, description="分类编码前缀（含下级），如 01")]


def out(row: EntryRow) -> KnowledgeOut:
    entry = row.entry
    return KnowledgeOut(
        id=entry.id,
        question=entry.question,
        answer=entry.answer,
        category=row.category_code,
        category_name=row.category_name,
        keywords=split_keywords(entry.keywords),
        source=entry.source,
        active=entry.active,
        created_by=entry.created_by,
        created_at=as_aware(entry.created_at),
        updated_at=as_aware(entry.updated_at),
    )


def _one(session: Session, entry_id: int) -> KnowledgeOut:
    return out(repository.get_row(session, entry_id))


@router.get("", response_model=KnowledgePage)
def list_entries(
    _actor: KnowledgeReader,
    session: DbSession,
    q: Annotated[
        str | None, Query(max_length=100, description="在问题、关键词、答复中查找（原文包含）")
    ] = None,
    category: CategoryPrefix = None,
    include_inactive: bool = False,
    page: Annotated[int, Query(ge=1)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
) -> KnowledgePage:
    rows, total = repository.list_entries(
        session,
        q=q.strip() if q else None,
        category_prefix=category or None,
        include_inactive=include_inactive,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    return KnowledgePage(total=total, page=page, page_size=page_size, items=[out(r) for r in rows])


@router.get("/search", response_model=KnowledgeSearchOut)
def search_entries(
    _actor: KnowledgeReader,
    session: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=200, description="市民的问题，原话即可")],
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
    category: CategoryPrefix = None,
) -> KnowledgeSearchOut:
    """按相关度查找知识库条目（中文按字二元组匹配），返回前若干条及相关度。"""
    hits = search.search(session, q, limit, category or None)
    rows = repository.rows_by_ids(session, [h.entry_id for h in hits])
    items = [
        KnowledgeHit(**out(rows[h.entry_id]).model_dump(), score=h.score)
        for h in hits
        if h.entry_id in rows and rows[h.entry_id].entry.active
    ]
    return KnowledgeSearchOut(query=q, items=items)


@router.get("/{entry_id}", response_model=KnowledgeOut)
def get_entry(entry_id: int, _actor: KnowledgeReader, session: DbSession) -> KnowledgeOut:
    return _one(session, entry_id)


@router.post("", response_model=KnowledgeOut, status_code=201)
def create_entry(body: KnowledgeIn, actor: KnowledgeEditor, session: DbSession) -> KnowledgeOut:
    entry = service.create_entry(session, actor.username, body)
    return _one(session, entry.id)


@router.patch("/{entry_id}", response_model=KnowledgeOut)
def update_entry(
    entry_id: int, body: KnowledgeUpdateIn, actor: KnowledgeEditor, session: DbSession
) -> KnowledgeOut:
    service.update_entry(session, actor.username, entry_id, body.model_dump(exclude_unset=True))
    return _one(session, entry_id)


@router.delete("/{entry_id}", response_model=KnowledgeOut)
def deactivate_entry(entry_id: int, actor: KnowledgeEditor, session: DbSession) -> KnowledgeOut:
    """停用条目（不物理删除：已据此办结的诉求仍保留引用）。"""
    service.deactivate_entry(session, actor.username, entry_id)
    return _one(session, entry_id)
