"""Pydantic shapes for the knowledge-base API."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

MAX_QUESTION = 300
MAX_ANSWER = 20_000
MAX_KEYWORDS = 1000
MAX_SOURCE = 200
KEYWORD_SEPARATORS = re.compile(r"[;；,，、\s|]+")


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


def split_keywords(value: object) -> list[str]:
    """``"公租房;申请"``, ``"公租房，申请"`` or ``["公租房", "申请"]`` → ``["公租房", "申请"]``."""
    if value is None:
        return []
    if isinstance(value, str):
        parts = KEYWORD_SEPARATORS.split(value)
    elif isinstance(value, list | tuple):
        parts = [str(v) for v in value]
    else:
        raise PydanticCustomError("keywords", "关键词应为文本或文本列表")
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def join_keywords(keywords: list[str]) -> str:
    return ";".join(keywords)


Text = Annotated[str, BeforeValidator(_stripped)]
OptionalText = Annotated[str | None, BeforeValidator(_stripped)]
Keywords = Annotated[list[str], BeforeValidator(split_keywords)]


class KnowledgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Text = Field(min_length=1, max_length=MAX_QUESTION, description="市民常问的问题")
    answer: Text = Field(min_length=1, max_length=MAX_ANSWER, description="标准答复口径")
    category: OptionalText = Field(default=None, max_length=16, description="诉求分类编码，如 010101")
    keywords: Keywords = Field(default_factory=list, description="关键词，列表或用分号分隔")
    source: OptionalText = Field(default=None, max_length=MAX_SOURCE, description="政策依据或答复单位")


class KnowledgeUpdateIn(BaseModel):
    """Only the fields sent are changed; ``category: null`` removes the category."""

    model_config = ConfigDict(extra="forbid")

    question: OptionalText = Field(default=None, max_length=MAX_QUESTION)
    answer: OptionalText = Field(default=None, max_length=MAX_ANSWER)
    category: OptionalText = Field(default=None, max_length=16)
    keywords: Keywords | None = None
    source: OptionalText = Field(default=None, max_length=MAX_SOURCE)
    active: bool | None = None


class KnowledgeOut(BaseModel):
    id: int
    question: str
    answer: str
    category: str | None
    category_name: str | None
    keywords: list[str]
    source: str | None
    active: bool
    created_by: str
    created_at: datetime
    updated_at: datetime


class KnowledgePage(BaseModel):
    total: int
    page: int
    page_size: int
    items: list[KnowledgeOut]


class KnowledgeHit(KnowledgeOut):
    score: float = Field(description="相关度，0 到 1")


class KnowledgeSearchOut(BaseModel):
    query: str
    items: list[KnowledgeHit]
