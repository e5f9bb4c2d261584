"""Scope: a department sees only the suggestions to its own campaigns and those forwarded to it; the
朝阳 office reviews 朝阳's, not 海淀's; a department gives its opinion only when asked, and takes no
reviewer's step."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from suggestions.accounts import (
    DEPARTMENT,
    HAIDIAN_REVIEWER,
    OTHER_DEPARTMENT,
    REVIEWER,
    citizen,
    client,
    open_campaign,
    step,
    submit,
)


def test_each_reader_sees_only_their_own(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    haidian = client(app, HAIDIAN_REVIEWER)
    department = client(app, DEPARTMENT)
    other = client(app, OTHER_DEPARTMENT)
    browser = citizen(app)
    campaign = open_campaign(department)
    to_campaign = submit(browser, campaign=campaign["code"])["code"]
    forwarded = submit(browser, title="建议给生态环境局")["code"]
    unrelated = submit(browser, title="与两个部门都无关")["code"]
    in_haidian = submit(browser, title="海淀的建议", division_code="110108")["code"]

    def codes(who: Any) -> set[str]:
        response = who.get("/api/suggestions/items")
        assert response.status_code == 200, response.text
        return {s["code"] for s in response.json()}

    assert codes(reviewer) == {to_campaign, forwarded, unrelated}
    assert codes(haidian) == {in_haidian}
    assert codes(department) == {to_campaign}
    assert codes(other) == set()

    step(reviewer, forwarded, "review")
    step(reviewer, forwarded, "forward", unit="D110105-environment", text="请研提意见")
    assert codes(other) == {forwarded}
    assert other.get(f"/api/suggestions/items/{forwarded}").json()["suggester"]["shown"] == "masked"
    for who, code in (
        (other, to_campaign),
        (other, unrelated),
        (department, forwarded),
        (haidian, unrelated),
    ):
        assert who.get(f"/api/suggestions/items/{code}").status_code == 404
        assert who.get(f"/suggestions/items/{code}").status_code == 404

    # The department asked answers; the campaign's own department was not asked about this one.
    step(department, forwarded, "opinion", 404, text="越权意见")
    step(reviewer, to_campaign, "review")
    step(department, to_campaign, "opinion", 403, text="未转请本单位")
    step(other, forwarded, "opinion", text="同意试点")
    step(other, forwarded, "adopt", 403, text="部门不能作出结论")
    step(haidian, forwarded, "adopt", 404, text="外区不能审阅")
    assert step(reviewer, forwarded, "adopt", text="采纳")["department_opinion"] == "同意试点"

    # Campaigns: a department sees its own; opening one is a department's act.
    assert [c["code"] for c in department.get("/api/suggestions/campaigns").json()] == [campaign["code"]]
    assert other.get("/api/suggestions/campaigns").json() == []
    assert reviewer.post("/api/suggestions/campaigns", json={}).status_code == 403
