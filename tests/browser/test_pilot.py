"""Pilot-ready workbenches in Chromium (issue 17): honest 回访 refused until answered, the handling unit
revealing the phone once (one audit entry), pickers by name, no ASCII codes where names belong, no
console errors, a portal under 300 KB on a phone; and the effort of one phone intake and one dispatch
(clicks + keystrokes), written to ``artifacts/screenshots/effort.json`` with the portal's weight."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from browser.conftest import SCREENSHOT_DIR, api, shot, triaged
from support.cases import CASE_BODY, WANGJING
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.units.directory import UNIT_TYPE_LABELS
from zhili.units.models import UnitKind

PORTAL_WIDTH = 390
PORTAL_BUDGET = 300 * 1024
# ASCII codes that must never stand where a name belongs: roles, unit kinds and unit types.
CODES = {r.value for r in Role} | {k.value for k in UnitKind} | set(UNIT_TYPE_LABELS) - {"street", "hotline"}
CODE_TOKEN = re.compile(
    r"(?<![\w./-])(" + "|".join(sorted(map(re.escape, CODES), key=len, reverse=True)) + r")(?![\w./-])"
)
MAIN_PAGES = {
    "operator": ["/work/intake", "/work/visits"],
    "dispatcher": ["/work/dispatch", "/dash/league", "/dash/analytics"],
    "street": ["/work/inbox"],
    "admin": [
        "/admin/users",
        "/admin/units",
        "/admin/categories",
        "/admin/audit",
        "/admin/routing-rules",
        "/admin/knowledge",
        "/community/halls",
        "/community/profiles",
        "/community/volunteers",
        "/grid",
        "/plan",
        "/",
    ],
}


@dataclass
class Effort:
    """Counts what a person does: each click, each key pressed (a typed string is one per character)."""

    clicks: int = 0
    keys: int = 0
    log: list[str] = field(default_factory=list)

    def click(self, locator: Any, what: str) -> None:
        locator.click()
        self.clicks += 1
        self.log.append(f"click {what}")

    def type(self, locator: Any, text: str, what: str, count: bool = True) -> None:
        locator.press_sequentially(text)
        if count:
            self.keys += len(text)
            self.log.append(f"type {what} ({len(text)})")

    def press(self, locator: Any, key: str) -> None:
        locator.press(key)
        self.keys += 1
        self.log.append(f"key {key}")

    @property
    def total(self) -> int:
        return self.clicks + self.keys


# htmx reports a request it cancelled itself (a suggestion or caller lookup superseded while the
# operator keeps typing, or left behind by the next page) as these two lines: by design, not a fault.
CANCELLED = ("htmx:sendAbort", "htmx:afterRequest")


def _console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    cancelled = [False]

    def seen(msg: Any) -> None:
        if msg.type != "error":
            return
        cancelled[0] = cancelled[0] or msg.text == CANCELLED[0]
        errors.append(msg.text)
        if cancelled[0]:  # the cancelled request's two lines, in whichever order they come
            errors[:] = [e for e in errors if e not in CANCELLED]

    page.on("console", seen)
    return errors


def _new_case(page: Any, **overrides: Any) -> str:
    code = str(api(page, "POST", "/api/cases", {**CASE_BODY, **overrides})["code"])
    triaged(page, code)  # the API answers before triage; the pages show its result
    return code


def _row(page: Any, code: str) -> Any:
    return page.locator(f"article.case-row[data-code='{code}']")


def phone_intake(page: Any) -> tuple[Effort, str]:
    """One phone call taken in: the caller's number and name, the type, the address; the demand's
    own words (title and description) are typed but not counted."""
    effort = Effort()
    page.goto("/work/intake")
    phone = page.locator("#f-phone")
    if not phone.evaluate("el => el === document.activeElement"):
        effort.click(phone, "电话")
    effort.type(phone, "13700001111", "电话")
    effort.click(page.locator("#f-name"), "姓名")
    effort.type(page.locator("#f-name"), "李四", "姓名")
    effort.click(page.locator("#f-demand_type"), "诉求类型")
    page.select_option("#f-demand_type", "complaint")
    effort.clicks += 1
    effort.type(page.locator("#f-title"), "夜间施工噪音扰民", "标题", count=False)
    effort.type(page.locator("#f-description"), "工地每晚十一点后仍在施工，噪音很大。", "内容", count=False)
    effort.clicks += 2  # focusing the title and the description is part of the demand's own text: not counted
    effort.clicks -= 2
    effort.click(page.locator("#f-address"), "地址")
    effort.type(page.locator("#f-address"), "朝阳区望京西园三区", "地址")
    page.locator("#loc-result").get_by_text("望京").wait_for()
    effort.press(page.locator("#f-address"), "Enter")
    code = page.get_by_test_id("tracking-code").inner_text().strip()
    return effort, code


def dispatch_by_name(page: Any, code: str) -> Effort:
    """Dispatch to 望京街道办事处 when the suggestion is another unit: by name where pickers exist,
    by typing the unit's code otherwise (the workbench before pickers)."""
    effort = Effort()
    page.goto("/work/dispatch")
    row = _row(page, code)
    lead = row.get_by_test_id(f"lead-{code}")
    effort.click(lead, "主办单位")
    effort.press(lead, "Control+A")
    if row.locator("[data-picker]").count():
        effort.type(lead, "wjjd", "拼音首字母")
        row.locator(".picker-list li[data-code]").first.wait_for()
        assert row.locator(".picker-list li[data-code]").first.get_attribute("data-code") == WANGJING
        effort.press(lead, "Enter")
        assert "望京街道办事处" in row.locator(".picker-name").first.inner_text()
    else:
        effort.type(lead, WANGJING, "单位编码")
    effort.click(row.get_by_test_id(f"dispatch-{code}"), "派单")
    row.wait_for(state="detached")
    return effort


def portal_bytes(browser_page: Any) -> int:
    """Bytes transferred (compressed, headers included) to show the portal's submit page."""
    cdp = browser_page.context.new_cdp_session(browser_page)
    cdp.send("Network.enable")
    total = [0]
    cdp.on(
        "Network.loadingFinished",
        lambda event: total.__setitem__(0, total[0] + int(event["encodedDataLength"])),
    )
    browser_page.goto("/portal", wait_until="networkidle")
    return total[0]


def test_effort_and_weight(page_as: Any) -> None:
    op = page_as("operator", height=900, width=1440)
    errors = _console_errors(op)
    intake, code = phone_intake(op)
    shot(op, "pilot-operator-intake-done")
    disp = page_as("dispatcher", height=900, width=1440)
    errors += _console_errors(disp)
    dispatch = dispatch_by_name(disp, code)
    weight = portal_bytes(page_as(None, width=PORTAL_WIDTH))
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    figures = {
        "intake": {"clicks": intake.clicks, "keys": intake.keys, "total": intake.total, "steps": intake.log},
        "dispatch": {
            "clicks": dispatch.clicks,
            "keys": dispatch.keys,
            "total": dispatch.total,
            "steps": dispatch.log,
        },
        "portal_bytes": weight,
    }
    (SCREENSHOT_DIR / "effort.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    assert weight < PORTAL_BUDGET, f"portal transferred {weight} bytes"
    assert not errors, errors


def test_no_ascii_codes_and_no_console_errors_on_main_pages(page_as: Any) -> None:
    for role, paths in MAIN_PAGES.items():
        page = page_as(role)
        errors = _console_errors(page)
        for path in paths:
            page.goto(path, wait_until="networkidle")
            text = page.locator("main").inner_text()
            found = CODE_TOKEN.findall(text)
            assert not found, f"{path} as {role} shows codes where names belong: {sorted(set(found))}"
            shot(page, "pilot-" + (path.strip("/").replace("/", "-") or "home"))
        assert not errors, f"console errors as {role}: {errors}"


def test_visit_refused_until_answered(page_as: Any) -> None:
    op = page_as("operator")
    op.goto("/work/intake")
    code = _new_case(op)
    disp = page_as("dispatcher")
    disp.goto("/work/dispatch")
    api(disp, "POST", f"/api/cases/{code}/dispatch", {"lead_unit": WANGJING})
    street = page_as("street")
    street.goto("/work/inbox")
    for step, body in (("sign", {}), ("contact", {}), ("report", {"reply": "已协调处理。"})):
        api(street, "POST", f"/api/cases/{code}/{step}", body)
    op.goto("/work/visits")
    row = _row(op, code)
    assert row.locator("input[type=radio]:checked").count() == 0  # nothing pre-selected
    row.locator("input[name=comment]").fill("市民说周末再看看")
    row.get_by_test_id(f"visit-{code}").click()
    op.locator("#toasts").get_by_text("请选择「是否联系上市民」").wait_for()
    shot(op, "pilot-visit-refused")
    assert row.locator("input[name=comment]").input_value() == "市民说周末再看看"  # kept as typed
    row.locator("input[name=contacted][value='1']").check()
    row.get_by_test_id(f"visit-{code}").click()
    op.locator("#toasts").get_by_text("请选择「问题是否解决」").wait_for()
    row.locator("input[name=solved][value='1']").check()
    row.locator("input[name=satisfaction][value='basically_satisfied']").check()
    shot(op, "pilot-visit-answered")
    row.get_by_test_id(f"visit-{code}").click()
    row.wait_for(state="detached")


def test_phone_reveal_is_one_click_and_one_audit_entry(page_as: Any, live_server: Any) -> None:
    op = page_as("operator")
    op.goto("/work/intake")
    code = _new_case(op)
    secret = _new_case(op, confidential=True, title="保密：举报小区违建")
    disp = page_as("dispatcher")
    disp.goto("/work/dispatch")
    for case in (code, secret):
        api(disp, "POST", f"/api/cases/{case}/dispatch", {"lead_unit": WANGJING})
    street = page_as("street")
    street.goto(f"/cases/{code}")
    citizen = street.get_by_test_id("citizen")
    assert CASE_BODY["citizen"]["phone"] not in citizen.inner_text()
    street.get_by_test_id("reveal-phone").click()
    street.get_by_test_id("revealed-phone").wait_for()
    assert CASE_BODY["citizen"]["phone"] in citizen.inner_text()
    shot(street, "pilot-unit-phone-revealed")
    with live_server.database.session() as s:
        count = s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "case.reveal_phone", AuditEntry.target_id == code)
        ).scalar_one()
    assert count == 1
    street.goto(f"/cases/{secret}")
    assert street.get_by_test_id("reveal-phone").count() == 0
    street.get_by_test_id("confidential-transfer").wait_for()
    shot(street, "pilot-unit-confidential")


def test_intake_fits_a_1440x900_screen(page_as: Any) -> None:
    op = page_as("operator", width=1440, height=900)
    op.goto("/work/intake")
    box = op.get_by_test_id("intake-submit").bounding_box()
    assert box["y"] + box["height"] <= 900, f"受理 ends at {box['y'] + box['height']} px"
    assert op.evaluate("document.activeElement.id") == "f-phone"  # a call starts from the number
    shot(op, "pilot-intake-1440x900", full_page=False)
