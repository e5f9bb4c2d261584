"""One working day in Chromium (issue 17), as each role in turn, on a fresh city:

1. the operator takes 10 calls — among them a repeat caller (关联 from the caller's history), a
   consultation with no address closed from the knowledge base (直接办结), a 保密 demand, and two
   callers reporting the same manhole;
2. the dispatcher dispatches by name (picker, pinyin initials) and merges from the duplicate chip; the
   queue keeps its order while the rows are worked through;
3. the street signs, reveals the citizen's phone (exactly one audit entry) and reports;
4. 回访: submitting with no answer is refused, explicit answers close the case;
   the street's grid map shows the day's open demands by cell;
5. the leader's dashboards (三率 league, analytics) open with data;
6. the citizen who reported the manhole second tracks her merged demand on a 390-px screen and sees
   the state and reply of the case it was merged into.

Every step saves a numbered screenshot to ``artifacts/screenshots/day/NN-role-step.png``; every page
is checked for console errors and for ASCII role, unit-kind and category codes where names belong;
toasts must not cover content; the portal's transferred bytes stay under 300 KB. The effort of one
phone intake and one dispatch (clicks + keys, the demand's own text not counted) goes to
``artifacts/screenshots/day/effort.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from browser.conftest import SCREENSHOT_DIR, LiveServer, api, fits, shot
from browser.test_pilot import (
    CODE_TOKEN,
    PORTAL_BUDGET,
    _console_errors,
    dispatch_by_name,
    phone_intake,
    portal_bytes,
)
from support.accounts import PASSWORD
from zhili.analytics.service import store_for
from zhili.analytics.sync import sync
from zhili.assessment import periods
from zhili.assessment import service as assessment
from zhili.assessment.config import active_rules
from zhili.audit.models import AuditEntry
from zhili.auth import service as accounts
from zhili.auth.models import Role, User
from zhili.cases.models import Case
from zhili.divisions.models import Division
from zhili.grid.cells.generate import generate, grid_cell_of
from zhili.taxonomy.models import Category

DAY = SCREENSHOT_DIR / "day"
PORTAL_WIDTH = 390
LEADER = "leader_day"
MANHOLE = "望京西园三区门口井盖缺失"
GATE = (39.9966, 116.4706)  # 望京西园三区东门
MANHOLE_TEXT = "望京西园三区东门口的井盖不见了，晚上很黑，行人容易掉下去，请尽快处理。"
MANHOLE_AGAIN = "望京西园三区东门口井盖丢失，晚上行人容易掉下去，很危险，请尽快处理。"
REPLY = "经现场核实，东门口井盖已于当日补装并设置警示标志，已电话告知市民。"
# A category's leaf code (six digits) standing alone in a page's text.
SIX_DIGITS = re.compile(r"(?<![\d.:-])(\d{6})(?![\d.:-])")


@dataclass
class Day:
    """The walk's shared state: numbered screenshots, console errors of every page, category codes."""

    step: int = 0
    codes: dict[str, str] = field(default_factory=dict)
    console: dict[str, list[str]] = field(default_factory=dict)
    category_codes: set[str] = field(default_factory=set)
    checked: list[str] = field(default_factory=list)

    def watch(self, page: Any, role: str) -> Any:
        self.console[role] = _console_errors(page)
        return page

    def refused(self, role: str, status: int) -> None:
        """The browser logs a refused request (the answer the step expects) as a console error."""
        line = f"the server responded with a status of {status}"
        seen = self.console[role]
        assert any(line in e for e in seen), seen
        seen.remove(next(e for e in seen if line in e))

    def snap(self, page: Any, role: str, what: str) -> None:
        """Check the page (no codes where names belong, toasts clear of content) and save it."""
        self.step += 1
        text = page.locator("main").inner_text()
        found = set(CODE_TOKEN.findall(text))
        found |= {c for c in SIX_DIGITS.findall(text) if c in self.category_codes}
        assert not found, f"step {self.step} ({role} {what}) shows codes where names belong: {sorted(found)}"
        toasts_clear(page)
        self.checked.append(f"{self.step:02d}-{role}-{what}")
        shot(page, f"day/{self.step:02d}-{role}-{what}")


def toasts_clear(page: Any) -> None:
    """Toasts sit in the page's flow above the content: never positioned over it."""
    box = page.evaluate(
        """() => { const t = document.getElementById('toasts'), m = document.querySelector('main');
                   if (!t || !m) return null;
                   const a = t.getBoundingClientRect(), b = m.getBoundingClientRect();
                   return {position: getComputedStyle(t).position, bottom: a.bottom, top: b.top}; }"""
    )
    if box is not None:
        assert box["position"] == "static", box
        assert box["bottom"] <= box["top"] + 0.5, box


def rows_of(page: Any, section: str) -> list[str]:
    """The row ids of a work list, done lines included, in page order."""
    return list(page.locator(f"#rows-{section} > article").evaluate_all("els => els.map(e => e.id)"))


def take_call(
    page: Any,
    *,
    phone: str,
    demand_type: str,
    title: str,
    description: str,
    address: str = "",
    name: str = "",
    confidential: bool = False,
    relate_to: str | None = None,
    point: tuple[float, float] | None = None,
) -> str:
    """One call through the intake form (fields filled, Enter), its tracking code returned."""
    page.goto("/work/intake")
    page.select_option("#f-demand_type", demand_type)
    page.fill("#f-title", title)
    page.fill("#f-description", description)
    page.fill("#f-phone", phone)  # the caller's history is looked up with the text typed so far
    if name:
        page.fill("#f-name", name)
    if address:
        page.fill("#f-address", address)
    if point:  # the place the caller describes, picked on the map (latitude, longitude)
        page.fill("#f-lat", str(point[0]))
        page.fill("#f-lng", str(point[1]))
    if confidential:
        page.locator("input[name=confidential]").check()
    if relate_to:
        page.get_by_test_id("likely-repeat").wait_for()
        page.get_by_test_id(f"relate-{relate_to}").click()
        assert relate_to in page.locator("#relate-chosen").inner_text()
    page.press("#f-title", "Enter")
    return str(page.get_by_test_id("tracking-code").inner_text().strip())


def test_a_working_day(page_as: Any, live_server: LiveServer) -> None:
    day = Day()
    DAY.mkdir(parents=True, exist_ok=True)
    for earlier in DAY.glob("*.png"):  # the folder holds one day: this one
        earlier.unlink()
    with live_server.database.session() as s:
        day.category_codes = set(s.scalars(select(Category.code)).all()) - set(
            s.scalars(select(Division.code)).all()
        )
        if s.execute(select(User.id).where(User.username == LEADER)).first() is None:
            accounts.create_user(s, username=LEADER, role=Role.supervisor, unit_code="C11", password=PASSWORD)

    # -- 1. 坐席: ten calls ---------------------------------------------------------------------------
    disp = day.watch(page_as("dispatcher", width=1440, height=900), "dispatcher")
    disp.goto("/admin/knowledge")
    entry = api(
        disp,
        "POST",
        "/api/knowledge",
        {
            "question": "公租房申请条件",
            "answer": "本市户籍、家庭收入和住房面积符合标准的，可向户籍所在街道提交公租房申请。",
        },
    )
    op = day.watch(page_as("operator", width=1440, height=900), "operator")
    intake_effort, day.codes["noise"] = phone_intake(op)  # call 1, counted: 13700001111 李四
    day.snap(op, "operator", "call1-noise-counted")
    day.codes["manhole"] = take_call(
        op,
        phone="13800002222",
        name="王芳",
        demand_type="report",
        title=MANHOLE,
        description=MANHOLE_TEXT,
        point=GATE,
        address="朝阳区望京西园三区",
    )
    day.snap(op, "operator", "call2-manhole")
    day.codes["manhole_again"] = take_call(
        op,
        phone="13900003333",
        name="赵敏",
        demand_type="report",
        title="井盖丢失有危险",
        description=MANHOLE_AGAIN,
        point=GATE,
        address="朝阳区望京西园三区",
    )
    op.get_by_test_id("intake-duplicates").wait_for()  # told at once: another caller reported it
    day.snap(op, "operator", "call3-same-manhole")
    # A repeat caller: 李四 again about the building site; his history flags the first call.
    day.codes["repeat"] = take_call(
        op,
        phone="13700001111",
        demand_type="complaint",
        title="夜间施工噪音扰民",
        description="工地每晚十一点后仍在施工，噪音很大，上次反映后还没解决。",
        relate_to=day.codes["noise"],
        address="朝阳区望京西园三区",
    )
    day.snap(op, "operator", "call4-repeat-caller")
    # A consultation: no address, answered from the knowledge base and closed at once.
    op.goto("/work/intake")
    op.select_option("#f-demand_type", "consultation")
    op.fill("#f-title", "咨询公租房申请条件")
    op.fill("#f-description", "想了解公租房申请条件，需要什么材料。")
    op.fill("#f-phone", "13600004444")
    op.get_by_test_id(f"direct-close-{entry['id']}").wait_for(state="attached")
    op.locator("#suggest details.kb-hit summary").first.click()
    day.snap(op, "operator", "call5-consultation-answer")
    op.get_by_test_id(f"direct-close-{entry['id']}").click()
    op.get_by_text("已依据知识库答复并办结").wait_for()
    day.codes["consultation"] = op.get_by_test_id("tracking-code").inner_text().strip()
    day.snap(op, "operator", "call5-direct-close")
    day.codes["secret"] = take_call(
        op,
        phone="13500005555",
        name="孙强",
        demand_type="report",
        title="举报小区内私搭乱建",
        description="望京西园三区12号楼楼顶有人私自搭建彩钢房，请核查。",
        address="朝阳区望京西园三区",
        confidential=True,
    )
    day.snap(op, "operator", "call6-confidential")
    for n, (phone, kind, title, text, address) in enumerate(
        [
            (
                "13400006666",
                "help",
                "小区门口路灯不亮",
                "望京花园西区门口两盏路灯坏了一周，晚上很黑。",
                "朝阳区望京花园西区",
            ),
            (
                "13300007777",
                "complaint",
                "垃圾清运不及时",
                "酒仙桥十一街坊垃圾站三天没清运，气味很大。",
                "朝阳区酒仙桥十一街坊",
            ),
            (
                "13200008888",
                "suggestion",
                "建议增设公交站",
                "望京东路一带上下班人多，建议增设一个公交站。",
                "朝阳区望京东路",
            ),
            ("13100009999", "help", "楼道灯坏了", "家住幸福小区3号楼，楼道灯坏了。", "幸福小区3号楼"),
        ],
        start=7,
    ):
        day.codes[f"call{n}"] = take_call(
            op, phone=phone, demand_type=kind, title=title, description=text, address=address
        )
        day.snap(op, "operator", f"call{n}" + ("-unlocated" if n == 10 else ""))
    assert len(set(day.codes.values())) == 10

    # -- 2. 派单: by name, and a merge from the duplicate chip; the queue keeps its order ------------
    disp.goto("/work/dispatch")
    day.snap(disp, "dispatcher", "queue")
    before = rows_of(disp, "new")
    manhole, again = day.codes["manhole"], day.codes["manhole_again"]
    chip = disp.get_by_test_id(f"duplicates-{again}").locator(".chip", has_text=manhole)
    chip.get_by_test_id(f"merge-{again}").click()
    disp.get_by_test_id(f"done-{again}").wait_for()
    assert rows_of(disp, "new") == before, "the queue re-sorted after a merge"
    day.snap(disp, "dispatcher", "merged-from-chip")
    dispatch_effort = dispatch_by_name(disp, day.codes["noise"])  # reloads the queue: counted as one
    day.snap(disp, "dispatcher", "dispatched-by-name")
    before = rows_of(disp, "new")
    row = disp.locator(f"#row-new-{manhole}")
    lead = row.get_by_test_id(f"lead-{manhole}")
    lead.fill("")
    lead.press_sequentially("望京街道")
    row.locator(".picker-list li[data-code]").first.wait_for()
    lead.press("Enter")
    assert "望京街道办事处" in row.locator(".picker-name").first.inner_text()
    row.get_by_test_id(f"dispatch-{manhole}").click()
    disp.get_by_test_id(f"done-{manhole}").wait_for()
    assert rows_of(disp, "new") == before, "the queue re-sorted after a dispatch"
    assert "派单已完成" in disp.locator("#toasts").inner_text()
    day.snap(disp, "dispatcher", "dispatched-in-place")

    # -- 3. 承办单位: sign, reveal the phone (one audit entry), report -----------------------------------
    street = day.watch(page_as("street", width=1440, height=900), "street")
    street.goto("/work/inbox")
    day.snap(street, "street", "inbox")
    before = rows_of(street, "lead")
    street.get_by_test_id(f"sign-{manhole}").click()
    street.get_by_test_id(f"contact-{manhole}").wait_for()
    assert rows_of(street, "lead") == before, "the inbox re-sorted after 签收"
    day.snap(street, "street", "signed")
    street.goto(f"/cases/{manhole}")
    citizen_box = street.get_by_test_id("citizen")
    assert "13800002222" not in citizen_box.inner_text()
    street.get_by_test_id("reveal-phone").click()
    street.get_by_test_id("revealed-phone").wait_for()
    assert "13800002222" in citizen_box.inner_text()
    with live_server.database.session() as s:
        reveals = s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "case.reveal_phone", AuditEntry.target_id == manhole)
        ).scalar_one()
    assert reveals == 1
    day.snap(street, "street", "phone-revealed")
    street.goto("/work/inbox")
    before = rows_of(street, "lead")
    street.get_by_test_id(f"contact-{manhole}").click()
    row = street.locator(f"#row-lead-{manhole}")
    row.locator("textarea[name=reply]").fill(REPLY)
    day.snap(street, "street", "reply-written")
    row.get_by_test_id(f"report-{manhole}").click()
    street.locator(f"#row-lead-{manhole}").get_by_text("已反馈，等待回访").wait_for()
    assert rows_of(street, "lead") == before, "the inbox re-sorted after 反馈"
    day.snap(street, "street", "reported")

    # The street's grid map: today's open demands colour its cells; a cell opens its page.
    resolution = live_server.settings.grid_h3_resolution
    with live_server.database.session() as s:
        generate(s, resolution, "110105")
        located = s.execute(select(Case.h3_cell, Case.community_code).where(Case.code == manhole)).one()
    cell = grid_cell_of(located.h3_cell, resolution)
    # Generated cells go to communities by a sweep; the office puts this one where the case is.
    api(disp, "PATCH", f"/api/grid/cells/{cell}", {"community_code": located.community_code})
    street.goto("/grid")
    hexagon = street.locator(f"[data-testid=grid-map] a[data-cell='{cell}']")
    assert "heat-0" not in (hexagon.locator("polygon").get_attribute("class") or "")
    fill = hexagon.locator("polygon").evaluate("el => getComputedStyle(el).fill")
    assert fill == "rgb(253, 230, 138)", fill  # one open demand (two callers, merged): the first shade
    day.snap(street, "street", "grid-map")
    hexagon.click()
    street.get_by_test_id("cell-open").wait_for()
    assert manhole in street.locator("#cell-cases").inner_text()
    day.snap(street, "street", "grid-cell")

    # -- 4. 回访: refused without an answer, then explicit answers ----------------------------------
    op.goto("/work/visits")
    row = op.locator(f"#row-visits-{manhole}")
    assert row.locator("input[type=radio]:checked").count() == 0
    row.get_by_test_id(f"visit-{manhole}").click()
    op.locator("#toasts").get_by_text("请选择「是否联系上市民」").wait_for()
    row.locator("p.act-error").get_by_text("请选择「是否联系上市民」").wait_for()  # where the hand is
    day.refused("operator", 422)
    day.snap(op, "operator", "visit-refused")
    for name, value in (("contacted", "1"), ("solved", "1"), ("satisfaction", "satisfied")):
        row.locator(f"input[name={name}][value='{value}']").check()
    row.get_by_test_id(f"visit-{manhole}").click()
    op.get_by_test_id(f"done-{manhole}").wait_for()
    day.snap(op, "operator", "visit-done")
    assert api(op, "GET", f"/api/cases/{manhole}")["state"] == "closed"

    # -- 5. 领导: the dashboards, with the day's data ----------------------------------------------------
    sync(live_server.database, live_server.settings, store_for(live_server.settings), settle_seconds=0)
    month = date.today().strftime("%Y-%m")
    with live_server.database.session() as s:
        rules, rule_set_id = active_rules(s, live_server.settings)
        zone = ZoneInfo(live_server.settings.timezone)
        assessment.publish(s, periods.month(month), rules, zone, actor="test", rule_set_id=rule_set_id)
    leader = day.watch(page_as(None, width=1440, height=900), "leader")
    leader.goto("/login")
    leader.fill("input[name=username]", LEADER)
    leader.fill("input[name=password]", PASSWORD)
    leader.press("input[name=password]", "Enter")
    leader.wait_for_url(lambda url: "/login" not in url)
    leader.goto(f"/dash/league?month={month}")
    assert leader.locator("[data-testid=league-table] tbody tr").count() >= 1
    assert "望京街道" in leader.get_by_test_id("league-table").inner_text()
    leader.locator("#chart-trend canvas").first.wait_for()
    day.snap(leader, "leader", "league")
    leader.goto("/dash/analytics")
    assert int(leader.get_by_test_id("total").inner_text()) > 0  # the day's demands, merged ones counted once
    for chart in ("chart-volume", "chart-districts", "chart-cells"):
        leader.locator(f"#{chart} canvas").first.wait_for()
    day.snap(leader, "leader", "analytics")

    # -- 6. 市民: the merged demand tracked on a 390-px phone -------------------------------------------
    citizen = day.watch(page_as(None, width=PORTAL_WIDTH), "citizen")
    weight = portal_bytes(citizen)
    assert fits(citizen)
    day.snap(citizen, "citizen", "portal")
    citizen.goto("/portal/track")
    citizen.fill("#f-code", again)
    citizen.fill("#f-phone_tail", "3333")
    citizen.get_by_test_id("track-submit").click()
    assert citizen.get_by_test_id("track-state").inner_text() == "已合并"
    merged = citizen.get_by_test_id("track-merged").inner_text()
    assert "已办结" in merged, merged
    assert REPLY in citizen.get_by_test_id("track-result").inner_text()
    assert manhole not in citizen.content() and "13900003333" not in citizen.content()
    assert fits(citizen)
    day.snap(citizen, "citizen", "track-merged-390")

    # -- the day's figures --------------------------------------------------------------------------
    figures = {
        "intake": {
            "clicks": intake_effort.clicks,
            "keys": intake_effort.keys,
            "total": intake_effort.total,
            "steps": intake_effort.log,
        },
        "dispatch": {
            "clicks": dispatch_effort.clicks,
            "keys": dispatch_effort.keys,
            "total": dispatch_effort.total,
            "steps": dispatch_effort.log,
        },
        "portal_bytes": weight,
        "screenshots": day.checked,
    }
    (DAY / "effort.json").write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    assert weight < PORTAL_BUDGET, f"portal transferred {weight} bytes"
    errors = [e for seen in day.console.values() for e in seen]
    assert not errors, f"console errors: {errors}"
