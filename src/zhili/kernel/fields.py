"""What every input must be, whatever route or form it comes through: the bounds in one place.

- Text carries no control characters, lone surrogates or noncharacters (``%00``, ``%1B``, U+FFFF …):
  they break PostgreSQL (NUL), XML (every Open311 answer) and anyone who prints the text. Tab, line
  feed and carriage return are text.
- Integers fit the database's ``INTEGER`` (ids, page numbers, counts).
- Times lie between 1900 and 2999, so that converting them to UTC can never overflow.

``zhili.inputs`` applies these rules to every request; the annotated types below carry them into the
schemas that take ids and times, so that a value parsed by hand (a web form, a CLI file) is held to
the same bounds.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

# XML 1.0 admits none of these, and PostgreSQL's text admits no NUL: C0 controls other than tab,
# line feed and carriage return, DEL and the C1 controls, surrogates, and the 66 noncharacters.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)
TEXT_MESSAGE = "含有不允许的控制字符（{char}），请删除后重试"
INT_MESSAGE = f"数值超出允许范围（{INT_MIN} 到 {INT_MAX}）"
TIME_MESSAGE = "时间超出允许范围（1900 年至 2999 年）"


def forbidden_character(text: str) -> str | None:
    """The first character that text may not carry, as ``U+0000``; None when the text is clean."""
    found = _FORBIDDEN.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def text_problem(text: str) -> str | None:
    char = forbidden_character(text)
    return TEXT_MESSAGE.format(char=char) if char else None


def xml_safe(text: str) -> str:
    """The text with every character XML cannot carry replaced by U+FFFD (a defence for stored data)."""
    return _FORBIDDEN.sub("\ufffd", text)


def int_in_range(value: int) -> bool:
    return INT_MIN <= value <= INT_MAX


def moment_problem(value: datetime | date) -> str | None:
    if not isinstance(value, datetime):
        return None if 1900 <= value.year <= 2999 else TIME_MESSAGE
    if not 1900 <= value.year <= 2999:
        return TIME_MESSAGE
    if value.tzinfo is not None:
        try:
            if not EARLIEST <= value.astimezone(UTC) <= LATEST:
                return TIME_MESSAGE
        except OverflowError:
            return TIME_MESSAGE
    return None


def _clean_text(value: str) -> str:
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _bounded_moment(value: datetime) -> datetime:
    problem = moment_problem(value)
    if problem:
        raise ValueError(problem)
    return value


CleanText = Annotated[str, AfterValidator(_clean_text)]
Moment = Annotated[datetime, AfterValidator(_bounded_moment)]
Id = Annotated[int, Field(ge=1, le=INT_MAX)]
DbInt = Annotated[int, Field(ge=INT_MIN, le=INT_MAX)]
