"""The desks beside the workbench over HTTP, on both backends: the body's inbox with only its own
steps, the leader's 包案 page, the letter-scan form, the 回访 form, and who may open each."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from petitions.accounts import client, register, step, username
from zhili.petitions.models import LeaderAction, PetitionAttachment


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def test_the_inbox_offers_each_reader_only_the_steps_that_are_theirs(app: Any) -> None:
    office, body = client(app, "office"), client(app, "body")
    code = register(office)["matter_code"]
    step(office, code, "refer", unit="D110105-urban_management", mode="转送")
    inbox = body.get("/petitions/inbox")
    assert inbox.status_code == 200 and code in inbox.text
    assert 'data-action="take"' in inbox.text and 'data-action="accept"' not in inbox.text
    step(body, code, "take")
    step(body, code, "reply", text="已处理。")
    page = body.get(f"/petitions/matters/{code}")
    # After the answer the next steps are the office's (复查 request, 终结): the body sees none.
    assert 'data-action="request_review"' not in page.text and code not in body.get("/petitions/inbox").text
    office_page = office.get(f"/petitions/matters/{code}")
    assert (
        'data-action="request_review"' in office_page.text
        and 'data-testid="satisfaction-form"' in office_page.text
    )
    assert 'data-testid="satisfaction-form"' not in page.text and "reply.pdf" not in page.text
    bad = office.post(
        f"/petitions/matters/{code}/satisfaction", data={"satisfaction": "很好"}, follow_redirects=False
    )
    assert bad.status_code == 422
    rated = office.post(
        f"/petitions/matters/{code}/satisfaction", data={"satisfaction": "satisfied"}, follow_redirects=False
    )
    assert rated.status_code == 303 and "群众满意度" in office.get(f"/petitions/matters/{code}").text
    assert client(app, "operator").get("/petitions/inbox").status_code == 403


def test_the_leader_records_actions_from_the_baoan_page(app: Any, session: Session) -> None:
    office, leader = client(app, "office"), client(app, "leader")
    code = register(office)["matter_code"]
    assert (
        office.put(f"/api/petitions/matters/{code}/leader", json={"username": username("leader")}).status_code
        == 200
    )
    page = leader.get("/petitions/leader")
    assert page.status_code == 200 and code in page.text and "记录包案工作" in page.text
    empty = leader.post(
        f"/petitions/matters/{code}/leader-actions", data={"kind": "meeting"}, follow_redirects=False
    )
    assert empty.status_code == 422
    assert session.scalar(select(func.count()).select_from(LeaderAction)) == 0
    saved = leader.post(
        f"/petitions/matters/{code}/leader-actions",
        data={"kind": "meeting", "note": "召开协调会", "place": "街道会议室"},
        follow_redirects=False,
    )
    assert saved.status_code == 303 and "召开协调会" in leader.get("/petitions/leader").text
    assert code not in client(app, "other_leader").get("/petitions/leader").text
    assert client(app, "body").get("/petitions/leader").status_code == 403
    assert client(app, "body").get("/petitions/figures").status_code == 403


def test_a_letter_scan_from_the_matter_page(app: Any, session: Session) -> None:
    office = client(app, "office")
    letter = register(office, channel="letter", received_at="2025-09-26T10:00:00+08:00")
    page = office.get(f"/petitions/matters/{letter['matter_code']}")
    assert f'data-testid="scans-{letter["code"]}"' in page.text
    files = [("scans", ("letter.png", _png(), "image/png"))]
    saved = office.post(f"/petitions/items/{letter['code']}/scans", files=files, follow_redirects=False)
    assert (
        saved.status_code == 303 and session.scalar(select(func.count()).select_from(PetitionAttachment)) == 1
    )
    none = office.post(
        f"/petitions/items/{letter['code']}/scans", files=[], data={"x": "1"}, follow_redirects=False
    )
    assert none.status_code == 422
    assert (
        client(app, "body").post(f"/petitions/items/{letter['code']}/scans", files=files).status_code == 403
    )
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PetitionAttachment)) == 1
