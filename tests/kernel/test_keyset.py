"""The keyset cursor of paged lists: it round-trips, and anything altered is refused as BadCursor."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime

import pytest

from zhili.kernel.keyset import BadCursor, Position, decode, encode


def _raw(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_round_trips() -> None:
    moment = datetime(2026, 3, 2, 8, 0, 0, 123456, tzinfo=UTC)
    assert decode(encode("new", moment, 7), "new", datetime) == Position(moment, 7)
    assert decode(encode("rounds", date(2026, 3, 2), 9), "rounds", date) == Position(date(2026, 3, 2), 9)
    assert decode(encode("late", None, 3), "late", datetime) == Position(None, 3)
    assert decode(encode("volunteers", None, 5), "volunteers", None) == Position(None, 5)
    assert decode(encode("code", "BJ20260302000001", 4), "code", str) == Position("BJ20260302000001", 4)


def test_a_text_value_is_held_to_the_cursor_length() -> None:
    with pytest.raises(BadCursor):
        decode(_raw(["code", "x" * 300, 1]), "code", str)
    with pytest.raises(BadCursor):
        decode(_raw(["code", 12, 1]), "code", str)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "not base64 !",
        "x" * 300,
        _raw({"new": 1}),
        _raw(["late", "2026-03-02T08:00:00+00:00", 1]),  # another list's cursor
        _raw(["new", "2026-03-02T08:00:00", 1]),  # no time zone
        _raw(["new", "0001-01-01T00:00:00+00:00", 1]),  # out of range
        _raw(["new", "yesterday", 1]),
        _raw(["new", 20260302, 1]),
        _raw(["new", None, True]),
        _raw(["new", None, 0]),
        _raw(["new", None, 2**31]),
        _raw(["new", None, "1"]),
    ],
)
def test_an_altered_cursor_is_refused(token: str) -> None:
    with pytest.raises(BadCursor):
        decode(token or "=", "new", datetime)


def test_a_list_ordered_by_id_takes_no_value() -> None:
    with pytest.raises(BadCursor):
        decode(_raw(["volunteers", "2026-03-02", 1]), "volunteers", None)
