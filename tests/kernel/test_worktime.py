"""Durations as data and deadline arithmetic under the official Chinese calendar (holidays and 调休)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from zhili.kernel.worktime import Duration, add_working_days, deadline, is_workday

SH = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


@pytest.mark.parametrize(
    ("text", "amount", "unit", "label"),
    [
        ("2h", 2, "h", "2小时"),
        ("24h", 24, "h", "24小时"),
        (" 7wd ", 7, "wd", "7工作日"),
        ("15d", 15, "d", "15自然日"),
        ("30m", 30, "m", "30分钟"),
        ("1.5h", 1.5, "h", "1.5小时"),
        ("7 wd", 7, "wd", "7工作日"),
    ],
)
def test_duration_parses_what_policies_are_written_in(
    text: str, amount: float, unit: str, label: str
) -> None:
    duration = Duration.parse(text)
    assert (duration.amount, duration.unit) == (amount, unit)
    assert duration.label == label
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize(
    "text", ["", "   ", "7", "h", "7 days", "-2h", "2x", "wd7", "7WD", "二小时", "2h30m"]
)
def test_duration_refuses_anything_else_with_a_clear_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"无法识别的时限.*应形如 2h、24h、7wd、15d"):
        Duration.parse(text)


def test_the_2026_calendar_is_what_the_tests_assume() -> None:
    # 国庆节 2026: 10-01..10-07 off; Saturday 10-10 is a 调休 working day; Sunday 10-11 is not.
    for day in range(1, 8):
        assert not chinese_calendar.is_workday(date(2026, 10, day))
    assert date(2026, 10, 10).weekday() == 5
    assert chinese_calendar.is_workday(date(2026, 10, 10))
    assert not chinese_calendar.is_workday(date(2026, 10, 11))
    assert [is_workday(date(2026, 10, d)) for d in range(1, 13)] == [
        chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 13)
    ]


def test_working_days_skip_national_day_and_count_the_make_up_saturday() -> None:
    start = sh(2026, 9, 29, 10)  # Tuesday
    # 1: Wed 09-30; 10-01..10-07 holidays; 2: Thu 10-08; 3: Fri 10-09; 4: Sat 10-10 (调休);
    # Sun 10-11 off; 5: Mon 10-12; 6: Tue 10-13; 7: Wed 10-14.
    expected = {1: (9, 30), 2: (10, 8), 3: (10, 9), 4: (10, 10), 5: (10, 12), 7: (10, 14)}
    for days, (month, day) in expected.items():
        assert add_working_days(start, days) == sh(2026, month, day, 10), days


def test_working_days_skip_an_ordinary_weekend() -> None:
    assert not chinese_calendar.is_workday(date(2026, 11, 21))
    assert not chinese_calendar.is_workday(date(2026, 11, 22))
    assert add_working_days(sh(2026, 11, 20, 16, 30), 1) == sh(2026, 11, 23, 16, 30)  # Fri → Mon
    assert add_working_days(sh(2026, 11, 18, 9), 3) == sh(2026, 11, 23, 9)  # Wed → Mon


def test_zero_working_days_is_the_start_itself() -> None:
    assert add_working_days(sh(2026, 11, 18, 9), 0) == sh(2026, 11, 18, 9)


def test_a_start_on_a_holiday_gets_its_full_allowance() -> None:
    # Received on 10-03 (National Day): counting starts with Thursday 10-08, the first working day,
    # so one working day runs to the end of 10-08, and seven (10-08, 10-09, the 调休 10-10, then
    # 10-12..10-15) to the end of Thursday 10-15.
    assert add_working_days(sh(2026, 10, 3, 15, 30), 1) == sh(2026, 10, 9)
    assert add_working_days(sh(2026, 10, 3, 15, 30), 7) == sh(2026, 10, 16)


def test_a_start_on_a_holiday_never_ends_before_the_holiday_is_over() -> None:
    due = add_working_days(sh(2026, 10, 3, 15, 30), 1)
    assert due >= sh(2026, 10, 8)
    assert due.tzinfo == SH


def test_natural_hours_run_through_midnight_and_holidays() -> None:
    start = sh(2026, 10, 1, 23)  # National Day itself
    due = deadline(start, Duration.parse("2h"), SH)
    assert due == sh(2026, 10, 2, 1)
    assert due.tzinfo == UTC
    assert due == datetime(2026, 10, 1, 17, tzinfo=UTC)
    assert deadline(start, Duration.parse("30m"), SH) == sh(2026, 10, 1, 23, 30)
    assert deadline(start, Duration.parse("15d"), SH) == sh(2026, 10, 16, 23)


def test_deadline_in_working_days_is_returned_in_utc() -> None:
    due = deadline(sh(2026, 9, 29, 10), Duration.parse("7wd"), SH)
    assert due.tzinfo == UTC
    assert due == datetime(2026, 10, 14, 2, tzinfo=UTC)  # 10:00 in Beijing
    # The start may be given in any zone: 02:00 UTC is 10:00 in Beijing.
    assert deadline(datetime(2026, 9, 29, 2, tzinfo=UTC), Duration.parse("7wd"), SH) == due


def test_working_days_count_by_the_local_date_not_the_utc_date() -> None:
    # 23:30 UTC on Friday 11-20 is already Saturday 11-21 07:30 in Beijing, a rest day: the count
    # starts from Monday 11-23, so one working day ends at the start of Tuesday at the latest.
    start = datetime(2026, 11, 20, 23, 30, tzinfo=UTC)
    due = deadline(start, Duration.parse("1wd"), SH)
    assert sh(2026, 11, 23) <= due.astimezone(SH) <= sh(2026, 11, 24)


def test_years_beyond_the_calendar_fall_back_to_monday_to_friday() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2040, 1, 2))
    assert is_workday(date(2040, 1, 2))  # Monday
    assert not is_workday(date(2040, 1, 7))  # Saturday
    assert add_working_days(sh(2040, 1, 6, 9), 1) == sh(2040, 1, 9, 9)  # Friday → Monday
    due = deadline(sh(2040, 1, 2, 9), Duration.parse("5wd"), SH)
    assert due == sh(2040, 1, 9, 9)
    assert due.tzinfo == UTC


def test_fractional_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="工作日时限须为整数"):
        Duration.parse("1.5wd")
