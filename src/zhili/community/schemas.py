"""What the pydantic shapes of every community sub-package share: a base that refuses unknown fields,
text that is stripped before it is checked, and the patterns of division codes."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

CODE12 = r"^\d{12}$"  # a community (社区/村)
CODE9 = r"^\d{9}$"  # a street (街道/乡镇)


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
OptText = Annotated[str | None, BeforeValidator(_stripped)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
