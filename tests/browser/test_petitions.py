"""信访 in Chromium: the registrar's window (a refused form keeps its input), the handling body's
inbox, the leader's 包案 page, the figures, and the petition portal with its tracking page and
rating at phone width. Screenshots: ``artifacts/screenshots/petitions-*.png``."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

from browser.conftest import DESKTOP, api, fits, shot
from zhili.auth.models import Role

PETITION_ACCOUNTS = {
    "xf_office": ("xf_b_office", Role.petition_officer, "D110105-petitions"),
    "xf_body": ("xf_b_cgw", Role.unit_staff, "D110105-urban_management"),
    "xf_leader": ("xf_b_leader", Role.supervisor, "C110105"),
}
# The accounts the browser fixtures create and sign in: pytest's own copy of the conftest module
# (imported under its own name) and the one imported above both get them.
for _module in list(sys.modules.values()):
    if str(getattr(_module, "__file__", "")).endswith(os.path.join("browser", "conftest.py")):
        _module.ACCOUNTS.update(PETITION_ACCOUNTS)
PORTAL_WIDTH = 390
VISIT = {
    "channel": "visit",
    "title": "小区门前道路长期积水无人处理",
    "content": "望京西园三区门前道路雨后积水严重，多次反映仍未处理，请求尽快修复排水设施。",
    "category": "020201",
    "division_code": "110105026",
    "petitioner": {"name": "韩梅", "phone": "13811112222"},
}


def _register_form(page: Any, division: str) -> None:
    page.get_by_text("登记信访件（来访、来信、12345诉求转信访）").click()
    form = page.get_by_test_id("register-form")
    form.locator("#f-channel").select_option("visit")
    form.locator("#f-title").fill("小区楼下商户油烟扰民")
    form.locator("#f-content").fill("望京西园三区楼下餐馆油烟直排，住户无法开窗，请求依法查处。")
    form.locator("#f-category").fill("020201")
    form.locator("#f-division_code").fill(division)
    form.locator("#f-petitioner_name").fill("李雷")
    form.locator("#f-petitioner_phone").fill("13922223333")


def test_registrar_window_inbox_and_leader_page(page_as: Any) -> None:
    office = page_as("xf_office")
    office.goto("/petitions")
    # Refused: a place outside the office's district. The toast says why; the input stays.
    _register_form(office, "110108001")
    office.get_by_test_id("register-form").get_by_role("button", name="登记").click()
    office.locator(".toast.error").wait_for()
    assert "不在本信访办公室的受理范围内" in office.locator(".toast.error").inner_text()
    assert office.locator("#f-title").input_value() == "小区楼下商户油烟扰民"
    office.locator("#f-division_code").fill("110105026")
    shot(office, "petitions-registrar")
    office.get_by_test_id("register-form").get_by_role("button", name="登记").click()
    office.wait_for_url(re.compile(r"/petitions/matters/XS\d+"))
    code = office.url.rsplit("/", 1)[1]
    # Only the office's applicable steps: decide now; no body steps, no 复查.
    actions = set(office.locator("form[data-action]").evaluate_all("els => els.map(e => e.dataset.action)"))
    assert actions == {"accept", "refer", "refuse"}
    office.locator("summary", has_text="转送/交办").click()
    refer = office.locator("form[data-action=refer]")
    refer.locator("#f-unit").fill("D110105-urban_management")
    refer.get_by_role("button", name="转送/交办").click()
    office.get_by_text("已转送/交办，待受理").first.wait_for()
    shot(office, "petitions-matter")

    body = page_as("xf_body")
    body.goto("/petitions/inbox")
    item = body.locator(f"article[data-code='{code}']")
    assert set(item.locator("form[data-action]").evaluate_all("els => els.map(e => e.dataset.action)")) == {
        "take",
        "refuse",
    }
    shot(body, "petitions-inbox")
    item.locator("summary", has_text="受理（有权处理机关）").click()
    item.locator("form[data-action=take]").get_by_role("button").click()
    body.wait_for_url(re.compile(rf"/petitions/matters/{code}"))
    body.get_by_text("办理中").first.wait_for()

    api(office, "PUT", f"/api/petitions/matters/{code}/leader", {"username": "xf_b_leader"})
    leader = page_as("xf_leader")
    leader.goto("/petitions/leader")
    led = leader.locator(f"article[data-code='{code}']")
    led.locator("summary", has_text="记录包案工作").click()
    form = led.get_by_test_id(f"leader-action-{code}")
    form.locator("#f-note").fill("召集城管委、街道召开协调会，明确两周内整改。")
    form.locator("#f-place").fill("望京街道会议室")
    form.get_by_role("button").click()
    leader.wait_for_url(re.compile(rf"/petitions/matters/{code}"))
    leader.goto("/petitions/leader")
    assert "召集城管委" in leader.locator(f"article[data-code='{code}']").inner_text()
    shot(leader, "petitions-leader")

    office.goto("/petitions/backlog")
    shot(office, "petitions-backlog")
    office.goto("/petitions/receptions")
    shot(office, "petitions-receptions")
    office.goto("/petitions/figures")
    office.get_by_test_id("petition-figures-total").wait_for()
    assert "按期受理率" in office.content() and "群众满意率" in office.content()
    shot(office, "petitions-figures")
    assert fits(office)


def test_portal_petition_tracking_and_rating_at_phone_width(page_as: Any) -> None:
    citizen = page_as(None, width=PORTAL_WIDTH)
    citizen.goto("/portal/petition")
    assert fits(citizen)
    shot(citizen, "petitions-portal")
    citizen.fill("#f-title", "小区供暖温度长期不达标")
    citizen.fill("#f-content", "望京某小区今年供暖以来室温不足十六度，多次反映无果，请求督促供热单位整改。")
    citizen.locator("#f-category").select_option(index=1)
    citizen.fill("#f-address", "朝阳区望京街道望京西园三区")
    citizen.fill("#f-name", "王芳")
    citizen.fill("#f-phone", "13766667777")
    citizen.get_by_test_id("petition-submit").click()
    petition = citizen.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"XF\d+", petition), petition

    office = page_as("xf_office", width=DESKTOP)
    office.goto("/petitions")
    matter = api(office, "GET", "/api/petitions/matters")[0]["code"]
    api(office, "POST", f"/api/petitions/matters/{matter}/accept", {})
    api(
        office, "POST", f"/api/petitions/matters/{matter}/reply", {"text": "已督促供热单位整改，室温已达标。"}
    )

    citizen.goto(f"/portal/petition/track?code={petition}&phone_tail=7777")
    citizen.get_by_test_id("petition-rate").wait_for()
    assert fits(citizen)
    shot(citizen, "petitions-portal-track")
    citizen.get_by_text("基本满意").click()
    citizen.get_by_test_id("petition-rate").get_by_role("button").click()
    citizen.get_by_test_id("petition-rated").wait_for()
    assert "基本满意" in citizen.get_by_test_id("petition-rated").inner_text()
