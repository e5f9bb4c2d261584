"""Pydantic shapes for cell edits, and the field types every grid form shares."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
OptText = Annotated[str | None, BeforeValidator(_stripped)]
Cell = Annotated[str, Field(min_length=15, max_length=16, pattern=r"^[0-9a-f]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CellCommunityIn(Strict):
    community_code: Text = Field(pattern=r"^\d{12}$")


class CellWorkerIn(Strict):
    username: Text = Field(min_length=1, max_length=64)
