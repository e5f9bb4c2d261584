"""What the pydantic shapes of every community sub-package share: a base that refuses unknown fields,
text that is stripped before it is checked, the patterns of division codes, and moments as answers
give them."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

CODE12 = r"^\d{12}$"  # a community (社区/村)
CODE9 = r"^\d{9}$"  # a street (街道/乡镇)


def _stripped(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


Text = Annotated[str, BeforeValidator(_stripped)]
OptText = Annotated[str | None, BeforeValidator(_stripped)]
# A moment in an answer: ISO 8601 text with its UTC offset, as ``datetime.isoformat()`` writes it (the
# offset it was given with, +00:00 once stored). Text rather than datetime, because pydantic would write
# UTC as Z, and the pages cut the text to a day or a minute.
Moment = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
