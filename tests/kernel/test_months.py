"""Months written YYYY-MM, and month arithmetic across year ends."""

from __future__ import annotations

from datetime import date

import pytest

from zhili.kernel import months


@pytest.mark.parametrize(
    ("text", "first"),
    [("2026-10", date(2026, 10, 1)), ("2026-01", date(2026, 1, 1)), ("2025-12", date(2025, 12, 1))],
)
def test_parse_gives_the_first_day(text: str, first: date) -> None:
    assert months.parse(text) == first


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026-13",
        "2026-00",
        "0000-01",
        "2026-1",
        "26-10",
        "2026/10",
        "2026-10-01",
        " 2026-10",
        "2026-10\n",
        "２０２６-１０",
    ],
)
def test_parse_refuses_what_is_not_a_month(text: str) -> None:
    with pytest.raises(ValueError):
        months.parse(text)


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 10, 1), 1, date(2026, 11, 1)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
        (date(2026, 1, 31), -1, date(2025, 12, 1)),
        (date(2026, 3, 15), -5, date(2025, 10, 1)),
        (date(2026, 5, 1), -17, date(2024, 12, 1)),
        (date(2026, 5, 1), 0, date(2026, 5, 1)),
        (date(2026, 5, 20), 0, date(2026, 5, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 1)),
    ],
)
def test_shift_steps_whole_months(day: date, count: int, expected: date) -> None:
    assert months.shift(day, count) == expected


def test_shift_agrees_with_stepping_one_month_at_a_time() -> None:
    day = date(2020, 1, 1)
    for count in range(1, 40):
        following = months.shift(day, 1)
        assert following > day and following.day == 1 and (following - day).days in (28, 29, 30, 31)
        assert months.shift(date(2020, 1, 1), count) == following
        assert months.shift(following, -count) == date(2020, 1, 1)
        day = following
