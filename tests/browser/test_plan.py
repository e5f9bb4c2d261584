"""The plan dashboard in Chromium: the ECharts chart draws from the locally served library, values
recompute from the data, and the report page renders. Screenshots in artifacts/screenshots/."""

from __future__ import annotations

from typing import Any

from browser.conftest import PHONE, api, fits, shot

COMMUNITY = "110105026035"


def test_dashboard_progress_and_report(page_as: Any) -> None:
    page = page_as("admin")
    page.goto("/plan")
    api(
        page,
        "PUT",
        f"/api/community/profiles/{COMMUNITY}",
        {
            "population": 100,
            "households": 40,
            "service_space_m2": 420,
            "has_owners_committee": True,
            "property_coverage": 0.95,
        },
    )
    for n in range(22):
        api(
            page,
            "POST",
            "/api/community/volunteers",
            {"community_code": COMMUNITY, "name": f"志愿者{n}", "phone": f"1350000{n:04d}"},
        )
    api(
        page,
        "POST",
        "/api/plan/indicators/social_workers/values",
        {"as_of": "2024-12-31", "value": 85000, "evidence": "市民政局2024年统计"},
    )
    page.goto("/plan")
    page.get_by_role("button", name="按最新业务数据重新计算").click()
    page.wait_for_url("**/plan")
    assert page.get_by_test_id("value-volunteer_share").inner_text() == "22%"
    assert page.locator("tr[data-code=volunteer_share] mark").inner_text() == "已达标"
    page.locator("#plan-chart canvas").wait_for()
    shot(page, "plan-dashboard-desktop")
    page.get_by_role("link", name="社会工作专业人才总量").click()
    page.locator("#indicator-chart canvas").wait_for()
    assert "市民政局2024年统计" in page.content()
    shot(page, "plan-indicator-detail")
    page.goto("/plan/report?year=2025")
    page.get_by_text("终期评估报告（2025年）").first.wait_for()
    shot(page, "plan-report-2025")
    phone = page_as("admin", width=PHONE)
    phone.goto("/plan")
    phone.locator("#plan-chart canvas").wait_for()
    assert fits(phone)
    shot(phone, "plan-dashboard-phone")
