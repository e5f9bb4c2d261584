"""Pydantic shapes for the units API."""

from __future__ import annotations

from pydantic import BaseModel, Field

from zhili.units.models import UnitKind


class UnitOut(BaseModel):
    id: int
    code: str
    name: str
    kind: UnitKind
    kind_label: str
    unit_type: str | None
    parent_code: str | None
    division_code: str
    contact_phone: str | None
    active: bool
    jurisdiction: list[str]


class UnitCreateIn(BaseModel):
    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_\-]+$")
    name: str = Field(min_length=1, max_length=128)
    kind: UnitKind
    unit_type: str | None = Field(default=None, max_length=32)
    parent_code: str | None = Field(default=None, max_length=32)
    division_code: str = Field(min_length=2, max_length=12)
    contact_phone: str | None = Field(default=None, max_length=32)
    jurisdiction: list[str] = Field(default_factory=list, max_length=500)


class UnitUpdateIn(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=128)
    unit_type: str | None = Field(default=None, max_length=32)
    parent_code: str | None = Field(default=None, max_length=32)
    contact_phone: str | None = Field(default=None, max_length=32)
    active: bool | None = None
    jurisdiction: list[str] | None = Field(default=None, max_length=500)
