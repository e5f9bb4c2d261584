"""Triage that fits dispatch in Chromium: the dispatcher sees the most specific category (name and
code) and the 直派街乡 suggestion, dispatches elsewhere from the web form (an override, recorded), and
reads the override report; the admin sees auto-dispatch off with the measured precision beside."""

from __future__ import annotations

from typing import Any

from browser.conftest import PHONE, api, fits, shot, triaged
from support.cases import CASE_BODY, CHAOYANG_CGW

LIGHT = {
    **CASE_BODY,
    "category": None,
    "title": "望京西园路灯不亮",
    "description": "望京西园三区门口的路灯坏了好几天，晚上照明很差。",
}


def test_a_web_override_is_recorded_and_reported(page_as: Any) -> None:
    disp = page_as("dispatcher")
    disp.goto("/work/dispatch")
    code = str(api(disp, "POST", "/api/cases", LIGHT)["code"])
    triaged(disp, code)  # the API's 201 comes before triage; the dispatcher's page shows its result
    disp.goto("/work/dispatch")
    row = disp.locator(f"article.case-row[data-code='{code}']")
    guesses = row.get_by_test_id(f"category-guesses-{code}").inner_text()
    assert "路灯照明" in guesses  # by name; the code is the chip's tooltip, never text where a name belongs
    assert row.locator('[data-code="010402"]').get_attribute("title") == "分类编码 010402"
    assert "直派街乡" in row.inner_text()
    shot(disp, "triage-dispatch-suggestion")
    row.get_by_test_id(f"lead-{code}").fill(CHAOYANG_CGW)  # the dispatcher knows better
    row.get_by_test_id(f"dispatch-{code}").click()
    row.wait_for(state="detached")

    disp.goto("/triage/overrides")
    total = disp.get_by_test_id("override-total").inner_text()
    assert "改派 1 件" in total
    assert "路灯照明" in disp.get_by_test_id("by-category").inner_text()
    shot(disp, "triage-override-report")

    admin = page_as("admin")
    admin.goto("/admin/triage/auto-dispatch")
    assert admin.locator("#f-enabled").is_checked() is False
    assert "实测准确率" in admin.get_by_test_id("measured-precision").inner_text()
    shot(admin, "triage-auto-dispatch")
    phone = page_as("dispatcher", width=PHONE)
    phone.goto("/triage/overrides")
    assert fits(phone)
    shot(phone, "triage-override-report-phone")
