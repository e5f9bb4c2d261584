"""The 网上信访 portal (submit, track, rate limit), letter scans, and the staff workbench pages."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from petitions.accounts import ONLINE, VISIT, citizen, client, register
from zhili.petitions.api import SUBMITS_PER_MINUTE
from zhili.petitions.models import PetitionAttachment, PetitionMatter


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(out, format="PNG")
    return out.getvalue()


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def test_the_portal_form_submits_and_tracks(app: Any, session: Session) -> None:
    browser = citizen(app)
    form = browser.get("/portal/petition")
    assert form.status_code == 200 and "网上信访" in form.text and "15 个工作日" in form.text
    fields = {k: v for k, v in ONLINE.items() if k != "division_code"}
    fields |= {
        "address": "朝阳区望京街道望京西园三区",
        "csrf_token": _token(form.text),
    }  # an address, never a code
    before = session.scalar(select(func.count()).select_from(PetitionMatter))
    bad = browser.post("/portal/petition", data={**fields, "phone": ""})
    assert bad.status_code == 422 and "请填写手机号码" in bad.text
    vague = browser.post("/portal/petition", data={**fields, "address": "我家楼下"})
    assert vague.status_code == 422 and "未能识别地址所在的街道" in vague.text and "王五" in vague.text
    elsewhere = browser.post("/portal/petition", data={**fields, "address": "上海市黄浦区南京东路1号"})
    assert elsewhere.status_code == 422 and "地址不在本市范围内" in elsewhere.text
    missing = browser.post("/portal/petition", data={**fields, "address": ""})
    assert missing.status_code == 422 and "请填写事项所在地址" in missing.text
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PetitionMatter)) == before
    done = browser.post("/portal/petition", data=fields)
    assert done.status_code == 201, done.text
    code = re.search(r'data-testid="tracking-code">([A-Z0-9]+)<', done.text)
    assert code is not None
    tracked = browser.get("/portal/petition/track", params={"code": code.group(1), "phone_tail": "5678"})
    assert tracked.status_code == 200 and "待处理" in tracked.text and "登记" in tracked.text
    assert "王五" not in tracked.text and "13700005678" not in tracked.text
    wrong = browser.get("/portal/petition/track", params={"code": code.group(1), "phone_tail": "1111"})
    assert wrong.status_code == 404 and "未找到该信访件" in wrong.text


def test_online_submissions_are_rate_limited(app: Any) -> None:
    browser = citizen(app)
    statuses = [
        browser.post("/api/petitions/online", json={**ONLINE, "division_code": "1101999"}).status_code
        for _ in range(SUBMITS_PER_MINUTE + 1)
    ]
    assert statuses[:SUBMITS_PER_MINUTE] == [422] * SUBMITS_PER_MINUTE and statuses[-1] == 429


def test_a_letter_keeps_its_scan(app: Any, session: Session) -> None:
    office = client(app, "office")
    letter = register(office, channel="letter")
    files = [("scans", ("letter.png", _png(), "image/png"))]
    saved = office.post(f"/api/petitions/items/{letter['code']}/scans", files=files)
    assert saved.status_code == 201, saved.text
    assert session.scalar(select(func.count()).select_from(PetitionAttachment)) == 1
    matter = office.get(f"/api/petitions/matters/{letter['matter_code']}").json()
    assert matter["items"][0]["scans"] == 1
    visit = register(
        office,
        petitioner={"name": "赵六", "phone": "13500001111"},
        title="另一件事",
        content="与上一件无关的事项内容。",
    )
    refused = office.post(f"/api/petitions/items/{visit['code']}/scans", files=files)
    assert refused.status_code == 422 and "只有来信" in refused.json()["error"]["message"]
    text_file = [("scans", ("letter.txt", b"not an image", "text/plain"))]
    assert office.post(f"/api/petitions/items/{letter['code']}/scans", files=text_file).status_code in (
        413,
        415,
        422,
    )
    haidian = client(app, "office_haidian").post(f"/api/petitions/items/{letter['code']}/scans", files=files)
    assert haidian.status_code == 404
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(PetitionAttachment)) == 1


def test_the_workbench_registers_and_acts_through_forms(app: Any) -> None:
    office = client(app, "office")
    page = office.get("/petitions")
    assert page.status_code == 200 and "信访工作台" in page.text and "登记信访件" in page.text
    form = {
        "channel": "visit",
        "title": VISIT["title"],
        "content": VISIT["content"],
        "category": VISIT["category"],
        "division_code": VISIT["division_code"],
        "petitioner_name": "李四",
        "petitioner_phone": "13900001234",
    }
    made = office.post("/petitions", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    location = made.headers["location"]
    matter_page = office.get(location)
    assert (
        matter_page.status_code == 200
        and "受理（本机关办理）" in matter_page.text
        and "李四" in matter_page.text
    )
    # Places read by name (the code only as a tooltip) and are picked by name in the registrar's form.
    assert f'title="{VISIT["division_code"]}">' in matter_page.text
    assert f"<code>{VISIT['division_code']}</code>" not in matter_page.text
    workbench = office.get("/petitions").text
    assert 'data-picker="/api/divisions/pick"' in workbench and "<code>1101" not in workbench
    code = location.rsplit("/", 1)[-1]
    referred = office.post(
        f"/petitions/matters/{code}/act/refer",
        data={"unit": "D110105-urban_management", "mode": "交办", "text": "请依法处理"},
        follow_redirects=False,
    )
    assert referred.status_code == 303
    body_page = client(app, "body").get(location)
    assert body_page.status_code == 200 and "有权处理机关" in body_page.text and "李*" in body_page.text
    assert "李四" not in body_page.text
    refused = office.post(f"/petitions/matters/{code}/act/refuse", data={}, follow_redirects=False)
    assert refused.status_code == 422
    assert client(app, "operator").get("/petitions").status_code == 403
    listing = office.get("/petitions", params={"state": "referred"})
    assert code in listing.text
