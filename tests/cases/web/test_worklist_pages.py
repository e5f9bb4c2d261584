"""Work lists page by keyset (issue 20): walking every page of a section with 「下一页」 shows exactly
the list as it was before paging, in the same order and scope.

The reference is each section's query as it was before (scoped statement, ``ORDER BY`` one column,
``LIMIT 100``), written out here without the limit so that it cannot change with the code. That
query leaves ties to the database; the pages break them by id, and the test checks that this only
refines the old order (the same sequence of sort values) before comparing the pages with it. The
fixture has ties and NULLs in every sort column, and the pages hold two rows (``?size=2``).
Sections whose rows the page re-sorts for display (待派单: cases needing a person first; 超期督办 and
主办诉求: soonest deadline first) are compared page by page as sets: that re-sort is within the page,
as it was within the 100 rows before.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Select, event, exists, or_, select, update
from sqlalchemy.orm import Session

from support.cases import CHAOYANG_CGW, WANGJING, intake, staff
from zhili.auth import service
from zhili.auth.models import User
from zhili.auth.scope import Actor
from zhili.cases.models import Case, CaseAssignment
from zhili.cases.repository import readable_cases
from zhili.cases.states import AssignmentRole, AssignmentStatus, CaseState
from zhili.units.models import Unit

S = CaseState
SIZE = 2
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
RESORTED = {"new", "late", "lead"}
INBOX = (S.dispatched, S.signed, S.contacted, S.return_requested, S.reported)
LATE_STATES = set(CaseState) - {S.closed, S.merged, S.received, S.return_requested}

# The sections before paging: (statement without ORDER BY, the one column it was ordered by).
Old = Callable[[Actor], tuple[Select[Any], Any]]
OLD: dict[str, Old] = {
    "unlocated": lambda a: (
        readable_cases(a).where(Case.division_code.is_(None), Case.state == S.received),
        Case.received_at,
    ),
    "new": lambda a: (
        readable_cases(a).where(Case.state == S.received, Case.division_code.is_not(None)),
        Case.received_at,
    ),
    "returns": lambda a: (readable_cases(a).where(Case.state == S.return_requested), Case.updated_at),
    "extensions": lambda a: (
        readable_cases(a).where(
            Case.extension_requested.is_not(None), Case.state.in_((S.dispatched, S.signed, S.contacted))
        ),
        Case.updated_at,
    ),
    "late": lambda a: (
        readable_cases(a).where(
            or_(Case.overdue.is_(True), Case.warning.is_(True)), Case.state.in_(LATE_STATES)
        ),
        Case.feedback_due,
    ),
    "lead": lambda a: (
        readable_cases(a).where(Case.lead_unit_id == a.unit_id, Case.state.in_(INBOX)),
        Case.received_at,
    ),
    "co": lambda a: (
        readable_cases(a).where(
            exists().where(
                CaseAssignment.case_id == Case.id,
                CaseAssignment.unit_id == a.unit_id,
                CaseAssignment.role == AssignmentRole.co,
                CaseAssignment.status.in_((AssignmentStatus.called, AssignmentStatus.checked_in)),
            ),
            Case.state.in_((S.signed, S.contacted)),
        ),
        Case.received_at,
    ),
    "visits": lambda a: (readable_cases(a).where(Case.state == S.reported), Case.reported_at),
    "visited": lambda a: (readable_cases(a).where(Case.state == S.visited), Case.visited_at),
}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _actor(session: Session, username: str) -> Actor:
    return service.actor_for(session, session.scalars(select(User).where(User.username == username)).one())


def _unit(session: Session, code: str) -> int:
    return int(session.scalars(select(Unit.id).where(Unit.code == code)).one())


def _set(session: Session, codes: list[str], values: list[dict[str, Any]]) -> None:
    """Give each case its values (states, times with ties and NULLs), as the lifecycle would have."""
    for code, value in zip(codes, values, strict=True):
        session.execute(update(Case).where(Case.code == code).values(**value))
    session.flush()


def _expected(session: Session, actor: Actor, section: str, state: str | None = None) -> list[str]:
    statement, key = OLD[section](actor)
    if state:
        statement = statement.where(Case.state == state)
    before = session.scalars(statement.order_by(key)).all()  # the old order, ties left to the database
    by_id = session.scalars(statement.order_by(key, Case.id)).all()
    assert [getattr(c, key.key) for c in by_id] == [getattr(c, key.key) for c in before]
    return [c.code for c in by_id]


def _walk(client: Any, path: str, section: str, **params: str) -> list[list[str]]:
    """Every page of one section, following its 「下一页」 link from the first page."""
    url: str | None = path + "?" + urlencode({**params, "size": SIZE})
    pages = []
    while url:
        page = client.get(url)
        assert page.status_code == 200, page.text
        pages.append(re.findall(rf'id="row-{section}-([A-Za-z0-9]+)"', page.text))
        found = re.search(rf'<a href="([^"]+)" rel="next"[^>]*data-testid="next-{section}"', page.text)
        url = html.unescape(found.group(1)) if found else None
        if url:
            assert all(f"{k}={v}" in url for k, v in params.items())  # the filter is kept
            assert f'data-testid="first-{section}"' in client.get(url).text  # and 回到第一页 offered
        assert len(pages) <= 20
    return pages


def _check(pages: list[list[str]], expected: list[str], section: str) -> None:
    chunks = [expected[i : i + SIZE] for i in range(0, len(expected), SIZE)] or [[]]
    assert len(pages) == len(chunks) > 1, (section, pages, expected)
    for page, chunk in zip(pages, chunks, strict=True):
        assert (sorted(page) if section in RESORTED else page) == (
            sorted(chunk) if section in RESORTED else chunk
        )


@pytest.fixture
def statements(session: Session) -> Iterator[list[tuple[str, Any]]]:
    """The SQL the app runs while the test watches, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


def test_dispatcher_pages_walk_the_whole_queue_in_todays_order(
    s: Any, session: Session, statements: list[tuple[str, Any]]
) -> None:
    codes = [intake(s.operator) for _ in range(16)]
    new, unlocated, returns, late = codes[:5], codes[5:8], codes[8:11], codes[11:]
    times = [T0, T0 + HOUR, T0, T0 - HOUR, T0 + HOUR]
    _set(session, new, [{"received_at": t} for t in times])
    _set(session, unlocated, [{"division_code": None, "received_at": t} for t in (T0, T0, T0 - HOUR)])
    _set(session, returns, [{"state": S.return_requested, "updated_at": t} for t in (T0, T0 - HOUR, T0)])
    flagged = {"state": S.signed, "overdue": True, "extension_requested": "10d"}
    dues = [None, T0, T0, None, T0 + HOUR]
    _set(session, late, [{**flagged, "feedback_due": d, "updated_at": T0} for d in dues])
    actor = _actor(session, "disp_a")
    for section in ("new", "unlocated", "returns", "extensions", "late"):
        pages = _walk(s.dispatcher, "/work/dispatch", section)
        _check(pages, _expected(session, actor, section), section)
    # A deep page is a range read, never an OFFSET over the rows before it (SQLite's compiler writes
    # "LIMIT ? OFFSET ?" with 0 after every LIMIT; the offset must be that 0).
    offsets = [(sql, p) for sql, p in statements if "FROM cases" in sql and " OFFSET " in sql.upper()]
    assert all(isinstance(p, tuple) and p[-1] == 0 for _, p in offsets), offsets[:1]


def test_street_inbox_pages_keep_the_state_filter(s: Any, session: Session) -> None:
    codes = [intake(s.operator) for _ in range(11)]
    street, dept = _unit(session, WANGJING), _unit(session, CHAOYANG_CGW)
    lead, co = codes[:7], codes[7:]
    states = [S.signed, S.dispatched, S.signed, S.contacted, S.signed, S.reported, S.signed]
    times = [T0, T0, T0 - HOUR, T0 + HOUR, T0, T0 - HOUR, T0 + HOUR]
    _set(
        session,
        lead,
        [
            {"state": st, "lead_unit_id": street, "received_at": t}
            for st, t in zip(states, times, strict=True)
        ],
    )
    _set(
        session,
        co,
        [{"state": S.signed, "lead_unit_id": dept, "received_at": t} for t in (T0, T0, T0 - HOUR, T0)],
    )
    for code in co:
        case_id = session.scalars(select(Case.id).where(Case.code == code)).one()
        session.add(
            CaseAssignment(
                case_id=case_id,
                unit_id=street,
                role=AssignmentRole.co,
                status=AssignmentStatus.called,
                assigned_at=T0,
            )
        )
    session.flush()
    actor = _actor(session, "wangjing_a")
    _check(_walk(s.street, "/work/inbox", "lead"), _expected(session, actor, "lead"), "lead")
    signed = _walk(s.street, "/work/inbox", "lead", state="signed")
    _check(signed, _expected(session, actor, "lead", "signed"), "lead")
    _check(_walk(s.street, "/work/inbox", "co"), _expected(session, actor, "co"), "co")
    # Another street sees none of them.
    other = s.other_street.get("/work/inbox?size=2").text
    assert not set(codes) & set(re.findall(r'id="row-[a-z]+-([A-Za-z0-9]+)"', other))


def test_visit_operator_pages_walk_both_lists(s: Any, session: Session) -> None:
    codes = [intake(s.operator) for _ in range(8)]
    visits, visited = codes[:5], codes[5:]
    _set(session, visits, [{"state": S.reported, "reported_at": t} for t in (T0, None, T0 - HOUR, T0, None)])
    _set(session, visited, [{"state": S.visited, "visited_at": t} for t in (T0, T0, T0 - HOUR)])
    actor = _actor(session, "op_a")
    for section in ("visits", "visited"):
        _check(_walk(s.operator, "/work/visits", section), _expected(session, actor, section), section)


def test_a_tampered_cursor_shows_the_first_page_with_a_message(s: Any, session: Session) -> None:
    codes = [intake(s.operator) for _ in range(3)]
    _set(session, codes, [{"received_at": T0 + i * HOUR} for i in range(3)])
    first = s.dispatcher.get("/work/dispatch?size=2").text
    following = re.search(r'<a href="([^"]+)" rel="next"[^>]*data-testid="next-new"', first)
    assert following is not None
    token = html.unescape(following.group(1)).split("new=")[1]
    for bad in (
        "not-a-cursor",
        token[:-3] + "xyz",
        "W10",
        "WyJsYXRlIiwiMjAyNi0wMy0wMlQwODowMDowMCswMDowMCIsMV0",
    ):
        page = s.dispatcher.get("/work/dispatch", params={"size": 2, "new": bad})
        assert page.status_code == 200
        assert "翻页链接无效或已过期，已回到第一页" in page.text
        assert re.findall(r'id="row-new-([A-Za-z0-9]+)"', page.text) == codes[:2]
        assert 'data-testid="first-new"' not in page.text and bad not in page.text
    # The htmx swap of #work answers the fragment, with the same message.
    fragment = s.dispatcher.get(
        "/work/dispatch?new=garbage", headers={"HX-Request": "true", "HX-Target": "work"}
    ).text
    assert "<html" not in fragment and "翻页链接无效或已过期" in fragment
