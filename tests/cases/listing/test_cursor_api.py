"""``GET /api/cases`` pages by cursor; a bad cursor or a page beyond the cap is a clear 422."""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy.orm import Session

from support.cases import intake, staff


def _codes(client: Any, **params: Any) -> tuple[list[str], dict[str, Any]]:
    answer = client.get("/api/cases", params=params)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return [item["code"] for item in body["items"]], body


def test_next_cursor_walks_the_list_as_pages_did(app: Any, session: Session) -> None:
    s = staff(app, session)
    made = [intake(s.operator, title=f"路灯不亮第{i}处") for i in range(5)]
    everything, body = _codes(s.street, page_size=500, q="路灯不亮")
    assert set(made) <= set(everything)
    assert body["total"] == len(everything) and body["total_capped"] is False
    walked: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"page_size": 2, "q": "路灯不亮"}
        if cursor:
            params["cursor"] = cursor
        codes, body = _codes(s.street, **params)
        walked += codes
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert walked == everything
    # The old page numbers still answer, within the cap.
    assert _codes(s.street, page_size=2, page=2, q="路灯不亮")[0] == everything[2:4]


def _token(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_tampered_cursor_is_a_422_naming_the_field(app: Any, session: Session) -> None:
    s = staff(app, session)
    intake(s.operator)
    bad = [
        "not a cursor",
        "%%%",
        _token(["-received_at", "yesterday", 1]),
        _token(["-received_at", "2026-01-01T00:00:00", 1]),  # no time zone
        _token(["-received_at", "2026-01-01T00:00:00+00:00", -5]),
        _token(["-received_at", "2026-01-01T00:00:00+00:00", 2**40]),
        _token(["-received_at", "2026-01-01T00:00:00+00:00", True]),
        _token(["code", "BJ1", 1]),  # made for another sort
        _token({"a": 1}),
        _token(["-received_at", None, 1]),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "x" * 300,
    ]
    for token in bad:
        answer = s.operator.get("/api/cases", params={"cursor": token})
        assert answer.status_code == 422, (token, answer.status_code, answer.text)
        assert "cursor" in answer.text


def test_pages_beyond_the_count_cap_ask_for_the_cursor(app: Any, session: Session) -> None:
    s = staff(app, session)
    assert s.operator.get("/api/cases", params={"page": 201, "page_size": 50}).status_code == 422
    assert s.operator.get("/api/cases", params={"page": 200, "page_size": 50}).status_code == 200
    token = _token(["-received_at", "2026-01-01T00:00:00+00:00", 1])
    assert s.operator.get("/api/cases", params={"page": 2, "cursor": token}).status_code == 422
