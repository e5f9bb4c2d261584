"""议事厅 and volunteer pages in Chromium (fixtures from conftest.py), with screenshots."""

from __future__ import annotations

from typing import Any

from browser.conftest import PHONE, api, fits, shot

COMMUNITY = "110105026034"  # 花家地西里社区 (望京街道)


def test_hall_topic_vote_and_decision(page_as: Any) -> None:
    page = page_as("admin")
    page.goto("/community/halls")
    hall = api(
        page,
        "POST",
        "/api/community/halls",
        {
            "community_code": COMMUNITY,
            "name": "花家地西里议事厅",
            "model_name": "五方共治",
            "established_on": "2024-03-01",
        },
    )
    residents = [
        api(
            page,
            "POST",
            "/api/community/residents",
            {
                "community_code": COMMUNITY,
                "name": f"居民{n}",
                "id_number": f"11010519800202{n:04d}",
                "zone": "3号楼",
            },
        )["id"]
        for n in range(3)
    ]
    page.goto("/community/halls")
    page.select_option("#f-hall", str(hall["id"]))
    page.fill("#f-title", "楼下广场舞噪音")
    page.fill("#f-description", "晚间音响扰民，居民反映多次")
    page.get_by_role("button", name="发起议题").click()
    page.wait_for_url("**/community/topics/*")
    page.get_by_text("提出提案").click()
    page.fill("#f-ptitle", "晚八点后关闭音响")
    page.fill("#f-pbody", "广场舞音响晚八点后关闭，周末放宽至九点")
    page.fill("#f-threshold", "2")
    page.fill("#f-zone", "3号楼")
    page.get_by_role("button", name="提交提案").click()
    proposal = page.locator("article.proposal").first
    for resident in residents[:2]:
        proposal.locator("select[name=resident_id]").select_option(str(resident))
        proposal.get_by_role("button", name="登记附议").click()
        proposal = page.locator("article.proposal").first
    assert proposal.locator("mark").inner_text() == "投票中"
    for resident, choice in zip(residents, ("yes", "yes", "no"), strict=True):
        proposal.locator("select[name=resident_id]").select_option(str(resident))
        proposal.locator("select[name=choice]").select_option(choice)
        proposal.get_by_role("button", name="登记投票").click()
        proposal = page.locator("article.proposal").first
    assert "赞成 2" in proposal.locator(".tally").inner_text()
    # A second vote by the same resident is refused with a clear message.
    proposal.locator("select[name=resident_id]").select_option(str(residents[0]))
    proposal.get_by_role("button", name="登记投票").click()
    page.get_by_text("该居民已对本提案投票，不能重复投票").wait_for()
    page.go_back()
    page.locator("article.proposal summary").first.click()
    page.locator("article.proposal textarea[name=summary]").fill("晚八点后关闭音响，试行三个月")
    page.locator("input[name=follow_up_title]").fill("张贴告示")
    page.locator("input[name=follow_up_assignee]").fill("社区居委会")
    page.get_by_role("button", name="结束表决并形成决议").click()
    page.locator("article.decision").get_by_text("通过").first.wait_for()
    shot(page, "community-hall-topic-desktop")
    phone = page_as("admin", width=PHONE)
    phone.goto(page.url)
    assert fits(phone)
    shot(phone, "community-hall-topic-phone")


def test_volunteer_pages_and_certificate(page_as: Any) -> None:
    page = page_as("admin")
    page.goto("/community/volunteers")
    page.fill("#f-community_code", COMMUNITY)  # the picker also takes a code
    page.fill("#f-name", "周志愿")
    page.fill("#f-phone", "13822223333")
    page.get_by_role("button", name="注册").click()
    page.wait_for_url("**/community/volunteers/*")
    for _ in range(5):
        page.fill("#f-hours", "21")
        page.fill("#f-served", "2024-06-01")
        page.fill("#f-note", "志愿北京平台历史时长")
        page.get_by_role("button", name="补录").click()
        page.wait_for_load_state()
    assert page.get_by_test_id("hours").inner_text() == "105.0"
    assert "★" in page.locator("h1").inner_text()
    shot(page, "community-volunteer-detail")
    with page.expect_popup() as popup:
        page.get_by_role("button", name="打印服务证明").click()
    certificate = popup.value
    certificate.wait_for_load_state()
    assert "周志愿" in certificate.content() and "105.0" in certificate.content()
    shot(certificate, "community-volunteer-certificate")
    page.goto("/community/volunteers")
    assert "周**" in page.locator("#volunteers").inner_text()
    shot(page, "community-volunteers-desktop")
    phone = page_as("admin", width=PHONE)
    phone.goto("/community/volunteers")
    assert fits(phone)
    shot(phone, "community-volunteers-phone")
