"""Knowledge-base entries: a question, its answer, a category and keywords."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from zhili.db import Base, IdMixin, TimestampMixin


class KnowledgeEntry(IdMixin, TimestampMixin, Base):
    __tablename__ = "knowledge_entries"

    question: Mapped[str] = mapped_column(String(300))
    answer: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL"), index=True
    )
    keywords: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str | None] = mapped_column(String(200))  # the policy document or unit behind the answer
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    created_by: Mapped[str] = mapped_column(String(64))
