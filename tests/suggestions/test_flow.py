"""The whole course over HTTP, on SQLite and PostgreSQL: a department opens a campaign, the portal
lists it, a citizen answers it, the 人民建议征集 office reviews and adopts it with a reason, records
its 成果转化 and marks it excellent, and the citizen's tracking page shows the outcome; the figures
count it, and the public list shows it only with the citizen's consent and without personal data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suggestions.accounts import (
    ADMIN,
    DEPARTMENT,
    LEADER,
    PHONE,
    REVIEWER,
    citizen,
    client,
    open_campaign,
    step,
)
from zhili.suggestions.models import Suggestion


def test_campaign_to_adoption_fed_back_to_the_citizen(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    department = client(app, DEPARTMENT)
    campaign = open_campaign(department)
    assert campaign["open"] is True and campaign["department"] == "朝阳区城市管理委员会"

    browser = citizen(app)
    calls = browser.get("/portal/calls")
    assert calls.status_code == 200 and campaign["title"] in calls.text
    assert browser.get("/api/suggestions/calls").json()[0]["code"] == campaign["code"]

    form = browser.get(f"/portal/suggest?campaign={campaign['code']}")
    assert f'value="{campaign["code"]}" selected' in form.text
    posted = browser.post(
        "/portal/suggest",
        data={
            "campaign": campaign["code"],
            "title": "背街小巷增设共享单车电子围栏",
            "content": "建议在望京地区背街小巷入口设置共享单车电子围栏，超出范围不能还车，减少乱停乱放。",
            "division_code": "110105",
            "name": "赵六",
            "phone": PHONE,
            "consent_publish": "on",
        },
    )
    assert posted.status_code == 201, posted.text
    code = session.execute(select(Suggestion.code).order_by(Suggestion.id.desc())).scalars().first()
    assert code is not None and code in posted.text

    # The department sees the suggestion to its campaign; the office reviews it.
    mine = department.get("/api/suggestions/items").json()
    assert [s["code"] for s in mine] == [code]
    assert mine[0]["source_label"] == "响应征集" and mine[0]["campaign"] == campaign["title"]
    step(reviewer, code, "review")
    step(reviewer, code, "forward", unit="D110105-urban_management", text="请研究可行性")
    step(department, code, "opinion", text="可在三个月内试点")
    adopted = step(reviewer, code, "adopt", text="建议具体可行，已纳入背街小巷整治方案")
    assert adopted["state_label"] == "采纳" and adopted["suggester"]["shown"] == "full"
    step(reviewer, code, "record_result", text="纳入《朝阳区背街小巷环境精细化整治提升三年行动方案》")
    marked = step(reviewer, code, "mark_excellent")
    assert marked["excellent_year"] is not None

    # The citizen's tracking page: outcome, reason and 成果转化, no personal data.
    track = browser.get(f"/portal/suggest/track?code={code}&phone_tail={PHONE[-4:]}")
    assert track.status_code == 200
    for text in ("采纳", "建议具体可行", "三年行动方案", "优秀建议"):
        assert text in track.text
    assert "赵六" not in track.text and PHONE not in track.text
    api_track = browser.get("/api/suggestions/track", params={"code": code, "phone_tail": PHONE[-4:]})
    assert api_track.json()["result"].startswith("纳入")
    wrong = browser.get("/api/suggestions/track", params={"code": code, "phone_tail": "0000"})
    assert wrong.status_code == 404

    # Figures: one decided, adopted, under the campaign's department.
    figures = client(app, LEADER).get("/api/suggestions/figures").json()
    assert figures == [
        {
            "month": figures[0]["month"],
            "department": "朝阳区城市管理委员会",
            "campaign": campaign["title"],
            "decided": 1,
            "adopted": 1,
            "partly_adopted": 0,
            "adoption_rate": 1.0,
        }
    ]
    page = reviewer.get("/suggestions/figures")
    assert page.status_code == 200 and "100.0%" in page.text

    # The public list: consented, no name or phone.
    year = marked["excellent_year"]
    public = browser.get(f"/api/suggestions/excellent?year={year}").json()
    assert [p["title"] for p in public] == ["背街小巷增设共享单车电子围栏"]
    assert "赵六" not in str(public) and PHONE not in str(public)
    listing = browser.get(f"/portal/suggest/excellent?year={year}")
    assert "背街小巷增设共享单车电子围栏" in listing.text and "赵六" not in listing.text

    # The admin reads it masked; each showing of the suggester is audited.
    masked = client(app, ADMIN).get(f"/api/suggestions/items/{code}").json()
    assert masked["suggester"]["shown"] == "masked" and masked["suggester"]["phone"] != PHONE


def test_the_excellent_list_keeps_out_those_without_consent(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    browser = citizen(app)
    codes = []
    for consent, title in ((False, "不同意公开的建议"), (True, "同意公开的建议")):
        response = browser.post(
            "/api/suggestions/submit",
            json={
                "title": title,
                "content": "建议在社区增设便民服务点，联系电话13911112222，方便老年人就近办理业务。",
                "division_code": "110105026",
                "name": "钱七",
                "phone": "13911112222",
                "consent_publish": consent,
            },
        )
        assert response.status_code == 201, response.text
        codes.append(response.json()["code"])
    for code in codes:
        step(reviewer, code, "review")
        step(reviewer, code, "partly_adopt", text="部分内容可行")
        step(reviewer, code, "mark_excellent", year=2026)
    public = browser.get("/api/suggestions/excellent?year=2026").json()
    assert [p["title"] for p in public] == ["同意公开的建议"]
    assert "13911112222" not in str(public)  # a phone typed into the text is hidden too
