"""人民建议征集 in a real browser: a department opens a campaign on its page, a citizen answers it on
a phone (390 px), the office reviews and adopts it with a reason in one click, records its 成果转化
and marks it excellent, and the citizen's tracking page shows it. Screenshots of every new page go to
artifacts/screenshots/suggestions-*.png."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from browser.conftest import fits, shot

PORTAL_WIDTH = 390
PHONE_NUMBER = "13600001357"


def test_a_campaign_to_an_adopted_suggestion_in_the_browser(page_as: Any) -> None:
    dept = page_as("dept")  # 朝阳区城管委
    dept.goto("/suggestions/campaigns")
    dept.get_by_text("发起征集").click()
    dept.fill("#f-title", "背街小巷停车秩序金点子征集")
    dept.fill("#f-topic", "请就背街小巷停车秩序和非机动车停放提出建议。")
    dept.fill("#f-division_code", "110105")
    dept.fill("#f-closes_on", (date.today() + timedelta(days=30)).isoformat())
    dept.locator("[data-testid=campaign-form] button[type=submit]").click()
    dept.get_by_text("背街小巷停车秩序金点子征集").first.wait_for()
    shot(dept, "suggestions-campaigns")

    citizen = page_as(None, width=PORTAL_WIDTH)
    citizen.goto("/portal/calls")
    assert fits(citizen)
    shot(citizen, "suggestions-portal-calls-390")
    citizen.get_by_test_id("call").filter(has_text="背街小巷停车秩序").get_by_text("我要建议").click()
    citizen.fill("#f-title", "划设非机动车停放区")
    citizen.fill("#f-content", "建议在望京背街小巷入口划设非机动车停放区，并设置电子围栏，减少乱停乱放。")
    citizen.select_option("#f-division_code", "110105")
    citizen.fill("#f-name", "周九")
    citizen.fill("#f-phone", PHONE_NUMBER)
    citizen.check("#f-consent_publish")
    assert fits(citizen)
    shot(citizen, "suggestions-portal-suggest-390")
    citizen.get_by_test_id("suggest-submit").click()
    code = citizen.get_by_test_id("tracking-code").inner_text().strip()
    assert fits(citizen)
    shot(citizen, "suggestions-portal-submitted-390")

    reviewer = page_as("suggestion_reviewer")
    reviewer.goto("/suggestions")
    row = reviewer.locator("#suggestion-queue tr").filter(has_text="划设非机动车停放区")
    row.get_by_role("button", name="开始审阅").click()
    row = reviewer.locator("#suggestion-queue tr").filter(has_text="划设非机动车停放区")
    row.locator("textarea[name=text]").wait_for()
    shot(reviewer, "suggestions-queue")
    row.locator("textarea[name=text]").fill("建议具体可行，已纳入背街小巷停车治理方案")
    row.get_by_role("button", name="采纳", exact=True).click()
    queue = reviewer.locator("#suggestion-queue")
    queue.locator("tr").filter(has_text="划设非机动车停放区").get_by_text("采纳").wait_for()
    queue.get_by_role("link", name="划设非机动车停放区").click()
    reviewer.get_by_test_id("reason").wait_for()
    reviewer.locator("textarea[name=text]").fill("纳入《朝阳区背街小巷停车秩序治理方案》")
    reviewer.get_by_role("button", name="登记成果转化").click()
    reviewer.get_by_test_id("result").wait_for()
    reviewer.get_by_role("button", name="评为年度优秀建议").click()
    reviewer.get_by_text("年度优秀建议").first.wait_for()
    assert "周九" in reviewer.get_by_test_id("suggester").inner_text()  # the office sees it in full
    shot(reviewer, "suggestions-item")
    reviewer.goto("/suggestions/figures")
    assert "100.0%" in reviewer.content() or "%" in reviewer.content()
    shot(reviewer, "suggestions-figures")

    citizen.goto(f"/portal/suggest/track?code={code}&phone_tail={PHONE_NUMBER[-4:]}")
    assert "纳入《朝阳区背街小巷停车秩序治理方案》" in citizen.get_by_test_id("track-result").inner_text()
    assert "已纳入背街小巷停车治理方案" in citizen.get_by_test_id("track-reason").inner_text()
    assert "周九" not in citizen.content() and PHONE_NUMBER not in citizen.content()
    assert fits(citizen)
    shot(citizen, "suggestions-portal-track-390")
    citizen.goto("/portal/suggest/excellent")
    citizen.get_by_text("划设非机动车停放区", exact=True).wait_for()
    assert "周九" not in citizen.content()
    assert fits(citizen)
    shot(citizen, "suggestions-portal-excellent-390")


def test_a_refused_portal_form_keeps_what_was_typed(page_as: Any) -> None:
    citizen = page_as(None, width=PORTAL_WIDTH)
    citizen.goto("/portal/suggest")
    citizen.fill("#f-title", "保留的标题")
    citizen.fill("#f-content", "这是一条足够长的建议内容，用来检验表单被退回时仍保留已填写的文字。")
    citizen.select_option("#f-division_code", "110105")
    citizen.fill("#f-name", "吴十")
    citizen.fill("#f-phone", "abcdefg")
    citizen.get_by_test_id("suggest-submit").click()
    citizen.get_by_text("手机号码格式不正确").wait_for()
    assert citizen.input_value("#f-title") == "保留的标题"
    assert fits(citizen)
    shot(citizen, "suggestions-portal-refused-390")
