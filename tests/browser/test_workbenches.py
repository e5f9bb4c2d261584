"""The workbenches in Chromium: the whole case across roles, 退单 arbitration, 吹哨报到, the citizen
portal, jurisdiction, and every workbench at phone and desktop widths. Screenshots go to
``artifacts/screenshots/`` (see tests/browser/conftest.py)."""

from __future__ import annotations

import re
from typing import Any

from browser.conftest import DESKTOP, PHONE, api, fits, shot, triaged
from support.cases import CASE_BODY, CHAOYANG_CGW, WANGJING

# A tiny valid PNG (1×1) for the portal's photo upload.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000105fe02fea7d4a1d80000000049454e44ae426082"
)


def _new_case(page: Any, **overrides: Any) -> str:
    page.goto("/work/intake")
    code = str(api(page, "POST", "/api/cases", {**CASE_BODY, **overrides})["code"])
    triaged(page, code)  # the API answers before triage; the pages show its result
    return code


def _row(page: Any, code: str) -> Any:
    return page.locator(f"article.case-row[data-code='{code}']")


def test_happy_path_across_roles(page_as: Any) -> None:
    # 坐席: intake with live suggestions and location, the tracking code after submit.
    op = page_as("operator")
    op.goto("/work/intake")
    op.select_option("#f-demand_type", "complaint")
    op.fill("#f-title", "小区楼下广场舞噪音扰民")
    op.fill("#f-description", "每天晚上九点后广场舞音响声音很大，影响老人孩子休息。")
    op.locator("#suggest").get_by_text("分类建议").wait_for()
    op.fill("#f-address", "北京市朝阳区望京街道望京西园三区")
    op.locator("#loc-result").get_by_text("望京").wait_for()
    op.fill("#f-name", "张三")
    op.fill("#f-phone", "13812341234")
    shot(op, "operator-intake")
    op.press("#f-phone", "Enter")
    code = op.get_by_test_id("tracking-code").inner_text().strip()
    assert re.fullmatch(r"BJ\d+", code), code
    shot(op, "operator-intake-done")

    # 派单: the suggestion is the street of the case; accept it.
    disp = page_as("dispatcher")
    disp.goto("/work/dispatch")
    row = _row(disp, code)
    lead = row.get_by_test_id(f"lead-{code}")
    assert lead.input_value(), "the triage suggestion is prefilled"
    shot(disp, "dispatcher-queue")
    lead.fill(WANGJING)  # override: 属地 handles it
    row.get_by_test_id(f"dispatch-{code}").click()
    row.wait_for(state="detached")

    # 承办单位: 签收, contact, 反馈 — each one click or one short form, no page reload.
    street = page_as("street")
    street.goto("/work/inbox")
    street.get_by_test_id(f"sign-{code}").click()
    street.get_by_test_id(f"contact-{code}").click()
    row = _row(street, code)
    row.locator("textarea[name=reply]").fill("已约谈广场舞队伍负责人，活动调整至20:30前结束并降低音量。")
    shot(street, "unit-inbox")
    row.get_by_test_id(f"report-{code}").click()
    row.get_by_text("已反馈，等待回访").wait_for()

    # 回访: satisfied and solved closes the case.
    op.goto("/work/visits")
    shot(op, "operator-visits")
    row = _row(op, code)
    for name, value in (("contacted", "1"), ("solved", "1"), ("satisfaction", "satisfied")):
        row.locator(f"input[name={name}][value='{value}']").check()  # nothing is pre-selected
    row.get_by_test_id(f"visit-{code}").click()
    _row(op, code).wait_for(state="detached")
    op.goto(f"/cases/{code}")
    assert op.get_by_test_id("case-state").inner_text() == "已办结"
    timeline = op.get_by_test_id("timeline").inner_text()
    for step in ("受理", "派单", "签收", "联系市民", "反馈", "回访", "办结"):
        assert step in timeline
    op.locator("#case-map canvas").first.wait_for()
    shot(op, "case-page")


def test_return_arbitration(page_as: Any) -> None:
    op = page_as("operator")
    code = _new_case(op)
    disp = page_as("dispatcher")
    disp.goto("/work/dispatch")
    api(disp, "POST", f"/api/cases/{code}/dispatch", {"lead_unit": WANGJING})

    street = page_as("street")
    street.goto("/work/inbox")
    street.get_by_test_id(f"open-return-{code}").click()
    row = _row(street, code)
    row.locator("form.act-return textarea[name=reason]").fill("该点位属于酒仙桥街道管辖，请改派。")
    row.get_by_test_id(f"return-{code}").click()
    row.get_by_text("退单审核中，等待派单员处理").wait_for()

    disp.reload()
    returns = disp.locator("#returns")
    returns.get_by_text("该点位属于酒仙桥街道管辖").wait_for()
    shot(disp, "dispatcher-return-arbitration")
    returns.get_by_test_id(f"approve_return-{code}").click()
    # Approved: the case is back among the new cases, waiting for a new dispatch.
    disp.locator("#new").locator(f"article[data-code='{code}']").wait_for()


def test_whistle_and_check_in(page_as: Any) -> None:
    op = page_as("operator")
    code = _new_case(op)
    disp = page_as("dispatcher")
    disp.goto("/work/dispatch")
    api(disp, "POST", f"/api/cases/{code}/dispatch", {"lead_unit": WANGJING})
    street = page_as("street")
    street.goto("/work/inbox")
    api(street, "POST", f"/api/cases/{code}/sign", {})
    street.reload()
    street.get_by_test_id(f"open-whistle-{code}").click()
    street.get_by_test_id(f"whistle-units-{code}").fill(CHAOYANG_CGW)
    street.get_by_test_id(f"whistle-{code}").click()
    street.locator("#toasts").get_by_text("吹哨已完成").wait_for()

    dept = page_as("dept")
    dept.goto("/work/inbox")
    shot(dept, "unit-inbox-whistle")
    dept.get_by_test_id(f"check_in-{code}").click()
    _row(dept, code).get_by_text("协办反馈").first.wait_for()
    dept.goto(f"/cases/{code}")
    assert "已报到" in dept.locator("ul.assignments").inner_text()


def test_citizen_submits_and_tracks_on_a_phone(page_as: Any) -> None:
    citizen = page_as(None, width=PHONE)
    citizen.goto("/portal")
    citizen.select_option("#f-demand_type", "help")
    citizen.fill("#f-title", "路灯不亮")
    citizen.fill("#f-description", "小区门口两盏路灯坏了一周，晚上很黑。")
    citizen.locator("#pick-map svg").first.wait_for()  # plain SVG: the portal loads no ECharts
    box = citizen.locator("#pick-map").bounding_box()
    citizen.locator("#pick-map").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    assert citizen.input_value("#f-lat") and citizen.input_value("#f-lng")
    citizen.fill("#f-address", "朝阳区望京西园三区")
    citizen.set_input_files("#f-photos", files=[{"name": "lamp.png", "mimeType": "image/png", "buffer": PNG}])
    citizen.fill("#f-phone", "13900005678")
    assert fits(citizen)
    shot(citizen, "citizen-portal-360")
    citizen.get_by_test_id("portal-submit").click()
    code = citizen.get_by_test_id("tracking-code").inner_text().strip()
    shot(citizen, "citizen-submitted-360")

    citizen.goto("/portal/track")
    citizen.fill("#f-code", code)
    citizen.fill("#f-phone_tail", "0000")
    citizen.get_by_test_id("track-submit").click()
    assert "未找到该诉求" in citizen.get_by_test_id("track-error").inner_text()
    citizen.fill("#f-phone_tail", "5678")
    citizen.get_by_test_id("track-submit").click()
    assert citizen.get_by_test_id("track-state").inner_text() == "已受理"
    assert "13900005678" not in citizen.content()
    assert fits(citizen)
    shot(citizen, "citizen-track-360")

    # Staff see the photo on the case page.
    op = page_as("operator")
    op.goto(f"/cases/{code}")
    assert op.locator(".photos img").count() == 1


def test_street_user_cannot_open_another_streets_case(page_as: Any) -> None:
    op = page_as("operator")
    code = _new_case(op)
    other = page_as("other_street")
    response = other.goto(f"/cases/{code}")
    assert response is not None and response.status == 404
    assert "不存在或不在您的辖区内" in other.content()
    assert CASE_BODY["title"] not in other.content()
    shot(other, "street-other-case-404")


WORKBENCHES = [
    ("operator", "/work/intake", "intake"),
    ("operator", "/work/visits", "visits"),
    ("dispatcher", "/work/dispatch", "dispatch"),
    ("street", "/work/inbox", "inbox"),
    ("admin", "/admin/categories", "admin-categories"),
    ("admin", "/admin/time-limits", "admin-time-limits"),
    ("dispatcher", "/admin/knowledge", "admin-knowledge"),
    (None, "/portal", "portal"),
    (None, "/portal/track", "portal-track"),
]


def test_every_workbench_fits_phone_and_desktop(page_as: Any) -> None:
    op = page_as("operator")
    code = _new_case(op)
    pages: dict[str | None, Any] = {}
    for width in (PHONE, DESKTOP):
        for role, path, name in [*WORKBENCHES, ("operator", f"/cases/{code}", "case")]:
            page = pages.get(role) or pages.setdefault(role, page_as(role))
            page.set_viewport_size({"width": width, "height": 780 if width == PHONE else 1080})
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert fits(page), f"{path} overflows at {width}px"
            shot(page, f"{name}-{width}", full_page=False)
