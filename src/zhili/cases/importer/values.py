"""Turn the cells of an import file (text from CSV, typed values from XLSX and Parquet) into values.

Each parser works on a whole column and reports the rows it could not read, so a batch is checked
column by column rather than cell by cell.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from zhili.cases.states import MAIN_LINE, SATISFACTION_LABELS, STATE_LABELS, CaseState, Satisfaction
from zhili.kernel import fields
from zhili.taxonomy.enums import (
    CHANNEL_LABELS,
    DEMAND_TYPE_LABELS,
    URGENCY_LABELS,
    Channel,
    DemandType,
    Urgency,
)

# Each vocabulary accepts the code or the Chinese label.
Vocabulary = dict[str, str]


def vocabulary(labels: dict[Any, str], members: Iterable[enum.StrEnum]) -> Vocabulary:
    words = {member.value: member.value for member in members}
    for member, label in labels.items():
        if member.value in words:
            words[label] = member.value
    return words


DEMAND_TYPES = vocabulary(DEMAND_TYPE_LABELS, DemandType)
URGENCIES = vocabulary(URGENCY_LABELS, Urgency)
CHANNELS = vocabulary(CHANNEL_LABELS, Channel) | {"App": Channel.app.value, "小程序": Channel.app.value}
# A legacy system's final states: the main line of the lifecycle. 退单待审 and 已合并 need links that a
# flat file cannot carry, so they are refused with their own reason.
IMPORTABLE_STATES = MAIN_LINE
STATES = vocabulary(STATE_LABELS, IMPORTABLE_STATES)
OTHER_STATES = vocabulary(STATE_LABELS, set(CaseState) - set(IMPORTABLE_STATES))
SATISFACTIONS = vocabulary(SATISFACTION_LABELS, Satisfaction)
TRUE_WORDS = frozenset({"是", "已解决", "解决", "true", "yes", "y", "1", "t"})
FALSE_WORDS = frozenset({"否", "未解决", "false", "no", "n", "0", "f"})

NAIVE_EPOCH = datetime(1970, 1, 1)
UTC_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def _other_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone or a code typed as a number in a spreadsheet
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def texts(column: list[Any]) -> list[str | None]:
    """Trimmed text; blank cells become None."""
    return [(v.strip() or None) if v.__class__ is str else _other_text(v) for v in column]


def lookup(column: list[str | None], words: Vocabulary) -> list[str | None]:
    return [words.get(v) if v is not None else None for v in column]


def booleans(column: list[str | None]) -> tuple[list[bool | None], list[int]]:
    """Yes/no words in Chinese or English; the indexes of cells that are neither."""
    values: list[bool | None] = []
    bad: list[int] = []
    for i, v in enumerate(column):
        if v is None:
            values.append(None)
            continue
        word = v.lower()
        if word in TRUE_WORDS:
            values.append(True)
        elif word in FALSE_WORDS:
            values.append(False)
        else:
            values.append(None)
            bad.append(i)
    return values, bad


def floats(column: list[Any]) -> tuple[list[float | None], list[int]]:
    values: list[float | None] = []
    bad: list[int] = []
    for i, v in enumerate(column):
        if v is None or v == "":
            values.append(None)
            continue
        try:
            number = float(v)
        except (TypeError, ValueError):
            values.append(None)
            bad.append(i)
            continue
        if number != number:  # NaN: an empty numeric cell in Parquet
            values.append(None)
        else:
            values.append(number)
    return values, bad


EARLIEST_YEAR, LATEST_YEAR = fields.EARLIEST.year, fields.LATEST.year


def naive_utc(moment: datetime) -> datetime:
    """An aware time as the naive UTC datetime the importer works with."""
    return NAIVE_EPOCH + (moment - UTC_EPOCH)


def times(column: list[Any], tz: ZoneInfo) -> tuple[list[datetime | None], list[int]]:
    """Naive datetimes in UTC (the importer's internal form: attaching a zone to every value costs
    more than parsing it). A time without a zone is local time in ``tz`` (the city's zone)."""
    parse = _time_parser(tz)
    values: list[datetime | None] = []
    bad: list[int] = []
    for i, v in enumerate(column):
        if v is None:
            values.append(None)
            continue
        try:
            moment = parse(v)
        except OverflowError:
            moment = None
        if moment is not None and not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
            moment = None  # out of the years every time of zhili lies in (``kernel.fields``)
        if moment is None and not (isinstance(v, str) and not v.strip()):
            bad.append(i)
        values.append(moment)
    return values, bad


def _time_parser(tz: ZoneInfo) -> Callable[[Any], datetime | None]:
    # The zone's offset per local hour: converting with the ZoneInfo for every value costs more than
    # parsing it. Offsets change on the hour (DST), so the cache is exact; an ambiguous hour takes the
    # earlier reading, as ``datetime`` does (fold=0).
    offsets: dict[tuple[int, int, int, int], timedelta] = {}

    def to_utc(naive: datetime) -> datetime:
        key = (naive.year, naive.month, naive.day, naive.hour)
        offset = offsets.get(key)
        if offset is None:
            offset = offsets[key] = tz.utcoffset(naive) or timedelta(0)
        return naive - offset

    def parse(value: Any) -> datetime | None:
        if isinstance(value, datetime):
            moment = value
        elif isinstance(value, date):
            moment = datetime(value.year, value.month, value.day)
        elif isinstance(value, str):
            text = value.strip().replace("/", "-")
            if not text:
                return None
            try:
                moment = datetime.fromisoformat(text)
            except ValueError:
                for pattern in TIME_FORMATS:
                    try:
                        moment = datetime.strptime(text, pattern)
                        break
                    except ValueError:
                        continue
                else:
                    return None
        else:
            return None
        if moment.tzinfo is None:
            return to_utc(moment)
        return naive_utc(moment)

    return parse
