"""The volunteer register pages by keyset (issue 20): following 「下一页」 shows every volunteer the
worker sees, newest first, exactly as the register's query did before paging (written out here); a
tampered cursor shows the first page with a message — on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from support.paging import chunks, walk
from zhili.auth import service
from zhili.auth.models import User
from zhili.auth.scope import readable
from zhili.community.volunteers.models import Volunteer

ROW = r'href="/community/volunteers/(\d+)">详情'


def _old_register(session: Session, username: str) -> list[str]:
    actor = service.actor_for(session, session.scalars(select(User).where(User.username == username)).one())
    statement = select(Volunteer).where(readable(actor).clause(Volunteer.community_code))
    return [str(v.id) for v in session.scalars(statement.order_by(Volunteer.id.desc())).all()]


def test_the_register_pages_through_every_volunteer(app: Any, session: Session) -> None:
    worker, other = client(app, "worker"), client(app, "other_worker")
    community = wangjing_communities(session, 1)[0]
    for n in range(5):
        body = {"community_code": community, "name": f"志愿者{n}", "phone": f"1391111{n:04d}"}
        assert worker.post("/api/community/volunteers", json=body).status_code == 201
    expected = _old_register(session, "cw_wangjing")
    pages = walk(worker, "/community/volunteers?size=2", "volunteers", ROW)
    assert pages == chunks(expected, 2) and len(pages) == 3
    assert "（共 5 人，" in worker.get("/community/volunteers").text
    # Another street's worker pages through none of them.
    assert not set(expected) & {
        v for p in walk(other, "/community/volunteers?size=2", "volunteers", ROW) for v in p
    }


def test_a_tampered_register_cursor_shows_the_first_page(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    for n in range(3):
        body = {"community_code": community, "name": f"志愿者{n}", "phone": f"1392222{n:04d}"}
        assert worker.post("/api/community/volunteers", json=body).status_code == 201
    page = worker.get("/community/volunteers", params={"size": 2, "volunteers": "WyJyb3VuZHMiLG51bGwsMV0"})
    assert page.status_code == 200 and "翻页链接无效或已过期，已回到第一页" in page.text
    assert (
        walk(worker, "/community/volunteers?size=2", "volunteers", ROW)[0]
        == _old_register(session, "cw_wangjing")[:2]
    )
