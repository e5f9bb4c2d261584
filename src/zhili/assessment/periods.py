"""Assessment periods: a calendar month by default, or any range of local dates.

Boundaries are local midnight in the city's zone (``ZHILI_TIMEZONE``), turned into UTC for queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from zhili.errors import ValidationFailed
from zhili.kernel import months

MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # exclusive

    @property
    def monthly(self) -> bool:
        return self.start.day == 1 and self.end == months.shift(self.start, 1)

    @property
    def label(self) -> str:
        if self.monthly:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y-%m-%d}~{self.end - timedelta(days=1):%Y-%m-%d}"

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period in UTC: [start, end)."""
        return (
            datetime.combine(self.start, time(), tz).astimezone(UTC),
            datetime.combine(self.end, time(), tz).astimezone(UTC),
        )

    def previous(self) -> Period:
        """The month before a month; otherwise the range of the same length just before."""
        if self.monthly:
            return Period(months.shift(self.start, -1), self.start)
        return Period(self.start - (self.end - self.start), self.start)


def month(text: str, field: str = "month") -> Period:
    try:
        start = months.parse(text.strip())
    except ValueError:
        message = f"考核月份格式应为 YYYY-MM，例如 2026-10（收到：{text}）"
        raise ValidationFailed(message, field=field) from None
    return Period(start, months.shift(start, 1))


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(f"日期格式应为 YYYY-MM-DD（收到：{text}）", field=field) from None


def date_range(start: str, end: str) -> Period:
    """An inclusive range of local dates, e.g. 2026-10-01 to 2026-10-15."""
    first, last = _day(start, "start"), _day(end, "end")
    if last < first:
        raise ValidationFailed("结束日期不能早于开始日期", field="end")
    if (last - first).days >= MAX_DAYS:
        raise ValidationFailed(f"考核期不能超过 {MAX_DAYS} 天", field="end")
    return Period(first, last + timedelta(days=1))


def resolve(month_text: str | None, start: str | None, end: str | None) -> Period:
    """A month, or a start and end date: exactly one of the two."""
    if month_text and (start or end):
        raise ValidationFailed("请只填写考核月份，或只填写开始和结束日期", field="month")
    if month_text:
        return month(month_text)
    if start and end:
        return date_range(start, end)
    if start or end:
        raise ValidationFailed("请同时填写开始日期和结束日期", field="end" if start else "start")
    raise ValidationFailed("请填写考核月份（YYYY-MM）", field="month")
