"""Offset paging shared by list endpoints."""

from __future__ import annotations

from pydantic import BaseModel, Field

MAX_PAGE_SIZE = 500


class PageParams(BaseModel):
    page: int = Field(default=1, ge=1)
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size
