"""The 排查 rounds page by keyset (issue 20): following 「下一页」 shows every round in reach, latest
first (ties by id), as the list's query did before paging (written out here); a tampered cursor
shows the first page with a message — on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import wangjing_communities
from mediation.accounts import client, registry
from support.paging import chunks, walk
from zhili.auth import service
from zhili.auth.models import User
from zhili.mediation.models import CheckRound
from zhili.mediation.repository import readable_rounds

ROW = r'<td><a href="/mediation/rounds/(\d+)">'
DAY = date(2026, 3, 2)


def _old_rounds(session: Session, username: str) -> list[str]:
    actor = service.actor_for(session, session.scalars(select(User).where(User.username == username)).one())
    statement = readable_rounds(actor).order_by(CheckRound.checked_on.desc(), CheckRound.id.desc())
    return [str(r.id) for r in session.scalars(statement).all()]


def _record(worker: Any, community: str, days: list[int]) -> None:
    for n in days:
        body = {
            "division_code": community,
            "checked_on": (DAY - timedelta(days=n)).isoformat(),
            "checkers": "网格员李强",
        }
        made = worker.post("/api/mediation/rounds", json={**body, "summary": "走访", "findings": []})
        assert made.status_code == 201, made.text


def test_rounds_page_through_every_round_in_reach(app: Any, session: Session) -> None:
    registry(app)
    worker = client(app, "worker")
    _record(worker, wangjing_communities(session, 1)[0], [1, 0, 1, 3, 1])  # ties on one day
    expected = _old_rounds(session, "cw_wangjing")
    pages = walk(worker, "/mediation/rounds?size=2", "rounds", ROW)
    assert pages == chunks(expected, 2) and len(pages) == 3
    assert "共 5 次" in worker.get("/mediation/rounds").text
    other = walk(client(app, "other_worker"), "/mediation/rounds?size=2", "rounds", ROW)
    assert not set(expected) & {r for p in other for r in p}


def test_a_tampered_rounds_cursor_shows_the_first_page(app: Any, session: Session) -> None:
    registry(app)
    worker = client(app, "worker")
    _record(worker, wangjing_communities(session, 1)[0], [0, 1, 2])
    for bad in ("garbage", "WyJyb3VuZHMiLCJub3QtYS1kYXRlIiwxXQ"):
        page = worker.get("/mediation/rounds", params={"size": 2, "rounds": bad})
        assert page.status_code == 200 and "翻页链接无效或已过期，已回到第一页" in page.text
        assert (
            walk(worker, "/mediation/rounds?size=2", "rounds", ROW)[0]
            == _old_rounds(session, "cw_wangjing")[:2]
        )
