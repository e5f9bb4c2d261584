"""Time limits: durations written as data ("2h", "7wd", "15d") and deadline arithmetic.

Working days follow the official Chinese calendar (``chinesecalendar``), so public holidays are
skipped and 调休 Saturdays and Sundays count as working days. Natural hours and days run 7×24.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|h|d|wd)\s*$")
UNITS = {"m": "分钟", "h": "小时", "d": "自然日", "wd": "工作日"}


@dataclass(frozen=True)
class Duration:
    amount: float
    unit: str  # m, h, d (natural days) or wd (working days)

    @classmethod
    def parse(cls, text: str) -> Duration:
        match = _PATTERN.match(text or "")
        if not match:
            raise ValueError(f"无法识别的时限“{text}”，应形如 2h、24h、7wd、15d")
        amount, unit = float(match.group(1)), match.group(2)
        if unit == "wd" and amount != int(amount):
            raise ValueError(f"工作日时限须为整数，收到“{text}”")
        return cls(amount, unit)

    def __str__(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount}{self.unit}"

    @property
    def label(self) -> str:
        amount = int(self.amount) if self.amount == int(self.amount) else self.amount
        return f"{amount}{UNITS[self.unit]}"


@lru_cache(maxsize=4096)
def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        # Beyond the calendar's published years: fall back to Monday–Friday.
        return day.weekday() < 5


def add_working_days(start_local: datetime, days: int) -> datetime:
    """The same clock time on the ``days``-th working day after ``start_local``'s date.

    A start on a non-working day counts from the next working day's start, so a demand received on a
    holiday gets its full allowance.
    """
    moment = start_local
    if not is_workday(moment.date()):
        # Count from the start of the next working day, so that the whole allowance is kept.
        moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        while not is_workday(moment.date()):
            moment += timedelta(days=1)
    counted = 0
    while counted < days:
        moment = moment + timedelta(days=1)
        if is_workday(moment.date()):
            counted += 1
    return moment


def deadline(start: datetime, duration: Duration, tz: ZoneInfo) -> datetime:
    """When a limit of ``duration`` starting at ``start`` (aware) runs out, in UTC."""
    if duration.unit == "m":
        return (start + timedelta(minutes=duration.amount)).astimezone(UTC)
    if duration.unit == "h":
        return (start + timedelta(hours=duration.amount)).astimezone(UTC)
    if duration.unit == "d":
        return (start + timedelta(days=duration.amount)).astimezone(UTC)
    whole = int(duration.amount)
    local = add_working_days(start.astimezone(tz), whole)
    return local.astimezone(UTC)
