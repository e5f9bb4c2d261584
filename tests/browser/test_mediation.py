"""Mediation pages in Chromium, with a screenshot of each new or changed page in
``artifacts/screenshots/mediation-*.png``: the caseload with a cluster warning, registering a
dispute, the dispute page stepping through its forms, a committee's page, 排查 rounds, and the
citizen's 申请调解 and tracking on a 390 px phone."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from browser.conftest import ACCOUNTS, LiveServer, api, fits, shot
from zhili.divisions.models import Division

PORTAL_WIDTH = 390
WANGJING = "110105026"
PARTIES = [
    {"role": "申请人", "name": "周一鸣", "phone": "13911112222"},
    {"role": "被申请人", "name": "吴二亮"},
]


def _communities(live_server: LiveServer) -> list[str]:
    with live_server.database.session(write=False) as s:
        codes = s.scalars(
            select(Division.code).where(Division.parent_code == WANGJING).order_by(Division.code)
        ).all()
    return [c for c in codes if int(c[-3:]) < 200][:3]


def _registry(page: Any) -> dict[str, Any]:
    """望京's committee and mediator, registered once for the session's server (both tests use them)."""
    listed = api(page, "GET", "/api/mediation/committees")
    found = [c for c in listed if c["name"] == "望京街道人民调解委员会"]
    if found:
        return dict(found[0])
    committee = api(page, "POST", "/api/mediation/committees", {
        "name": "望京街道人民调解委员会", "track": "people", "division_code": WANGJING,
    })  # fmt: skip
    api(page, "POST", "/api/mediation/mediators", {
        "committee_id": committee["id"], "name": "钱调解", "specialties": ["neighbour", "family"],
        "area": WANGJING, "username": ACCOUNTS["street"][0],
    })  # fmt: skip
    return dict(committee)


def test_mediation_pages(page_as: Any, live_server: LiveServer) -> None:
    admin = page_as("admin")
    admin.goto("/mediation")
    committee = _registry(admin)
    community, other, third = _communities(live_server)
    with live_server.database.session(write=False) as s:
        community_name = s.get(Division, community).name  # what a citizen writes, not its code
    street = page_as("street")
    street.goto("/mediation")
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    for days_ago in (0, 1, 1, 2, 3):  # a cluster in one building
        api(street, "POST", "/api/mediation/disputes", {
            "kind": "neighbour", "source": "committee", "title": "楼上噪音扰民",
            "facts": "夜间噪音引发争吵。", "division_code": community,
            "place": "望京西园三区 3 号楼", "parties": PARTIES,
            "received_at": (now - timedelta(days=days_ago, hours=1)).isoformat(),
        })  # fmt: skip
    for code in (other, third):  # scattered
        api(street, "POST", "/api/mediation/disputes", {
            "kind": "family", "source": "committee", "title": "赡养纠纷", "facts": "子女就赡养费有争议。",
            "division_code": code, "parties": PARTIES,
        })  # fmt: skip

    # Registering through the form.
    street.goto("/mediation/new")
    street.select_option("#f-kind", "neighbour")
    street.fill("#f-title", "楼道堆物引发邻里争吵")
    street.fill("#f-facts", "两户居民因楼道堆放杂物多次争吵，请求调解。")
    street.fill("#f-division_code", community)
    street.fill("#f-place", "望京西园三区 5 号楼")
    street.fill("#f-party1_name", "郑小燕")
    street.fill("#f-party1_phone", "13600007788")
    shot(street, "mediation-register")
    street.fill("#f-party2_name", "冯大力")
    street.get_by_test_id("register-dispute").click()
    street.wait_for_url("**/mediation/disputes/**")
    code = street.url.rsplit("/", 1)[-1]

    # The dispute's course through its forms: only the applicable ones show.
    assert street.get_by_test_id("act-succeed").count() == 0
    street.get_by_test_id("act-route").click()
    street.wait_for_load_state()
    street.get_by_test_id("act-assign").click()
    street.wait_for_load_state()
    street.locator("#step-session-place").fill("望京街道调解室")
    street.locator("#step-session-notes").fill("双方同意三日内清理楼道。")
    street.get_by_test_id("act-session").click()  # no attendee ticked: refused, typed text kept
    assert "请选择到场的当事人" in street.get_by_test_id("step-error").inner_text()
    assert street.locator("#step-session-place").input_value() == "望京街道调解室"
    shot(street, "mediation-dispute-refused")
    street.locator("#step-session-a1").check()
    street.locator("#step-session-a2").check()
    street.get_by_test_id("act-session").click()
    street.wait_for_load_state()
    street.locator("#step-succeed-terms").fill("双方三日内清理楼道杂物，今后不再堆放。")
    street.locator("#step-succeed-performance_due").fill((date.today() + timedelta(days=10)).isoformat())
    street.locator("#step-succeed-performance_method").fill("社区监督清理")
    street.get_by_test_id("act-succeed").click()
    street.wait_for_load_state()
    assert "调解协议书（PDF）" in street.content()
    shot(street, "mediation-dispute")

    street.goto("/mediation")
    assert "矛盾纠纷聚集预警" in street.content() and "望京西园三区 3 号楼（5 起）" in street.content()
    shot(street, "mediation-caseload")
    street.goto("/mediation?mine=1")
    assert code in street.content()
    shot(street, "mediation-caseload-mine")
    street.goto(f"/mediation/committees/{committee['id']}")
    assert "钱调解" in street.content()
    shot(street, "mediation-committee")

    # A 排查 round and one finding registered in one click.
    street.goto("/mediation/rounds")
    street.fill("#f-division_code", community)
    street.fill("#f-checked_on", date.today().isoformat())
    street.fill("#f-checkers", "社区书记张华、网格员李强")
    street.select_option("#f-finding1_kind", "neighbour")
    street.fill("#f-finding1_place", "望京西园三区 7 号楼")
    street.fill("#f-finding1_description", "两户因漏水维修费用争执")
    street.select_option("#f-finding2_kind", "property_service")
    street.fill("#f-finding2_description", "业主与物业就停车费有争议")
    shot(street, "mediation-rounds-form")
    street.get_by_test_id("add-round").click()
    street.wait_for_url("**/mediation/rounds/*")
    street.locator("#finding-1-party1_name").fill("王大妈")
    street.locator("#finding-1-party2_name").fill("李师傅")
    shot(street, "mediation-round")
    street.get_by_test_id("register-finding-1").click()
    street.wait_for_url("**/mediation/disputes/**")
    street.goto("/mediation/rounds")
    shot(street, "mediation-rounds")

    # The citizen applies on a phone and tracks the application.
    citizen = page_as(None, width=PORTAL_WIDTH)
    citizen.goto("/portal/dispute")
    citizen.select_option("#f-kind", "neighbour")
    citizen.fill("#f-address", f"朝阳区望京街道{community_name}3号楼")
    citizen.fill("#f-facts", "楼上住户深夜噪音扰民，多次沟通无果，申请调解。")
    citizen.fill("#f-name", "郑小燕")
    citizen.fill("#f-phone", "13600007788")
    citizen.fill("#f-other_name", "冯大力")
    assert fits(citizen)
    shot(citizen, "mediation-portal-apply-390")
    citizen.get_by_test_id("dispute-apply").click()
    applied = citizen.get_by_test_id("tracking-code").inner_text().strip()
    assert fits(citizen)
    shot(citizen, "mediation-portal-applied-390")
    citizen.goto("/portal/dispute/track")
    citizen.fill("#f-code", applied)
    citizen.fill("#f-phone_tail", "7788")
    citizen.get_by_test_id("track-submit").click()
    assert "待分流" in citizen.get_by_test_id("dispute-status").inner_text()
    assert "郑小燕" not in citizen.content() and "13600007788" not in citizen.content()
    assert fits(citizen)
    shot(citizen, "mediation-portal-track-390")


def test_mediation_registry(page_as: Any, live_server: LiveServer) -> None:
    """An admin adds a mediator through the form, the area picked by name; the registry lists it."""
    admin = page_as("admin")
    admin.goto("/mediation")
    committee = _registry(admin)
    admin.get_by_test_id("registry-link").click()
    admin.get_by_test_id("add-mediator").click()
    admin.select_option("#f-committee_id", str(committee["id"]))
    admin.fill("#f-name", "孙调解")
    admin.check("input[name=specialties][value=neighbour]")
    admin.check("input[name=specialties][value=property_service]")
    area = admin.locator("#f-area")
    area.click()
    area.type("望京街道")
    option = admin.locator(f"#mediator-form .picker-list li[data-code='{WANGJING}']")
    option.wait_for()
    option.click()
    assert area.input_value() == WANGJING
    assert "望京街道" in admin.locator("#mediator-form .picker-name").first.inner_text()
    shot(admin, "mediation-registry-mediator")
    admin.get_by_test_id("save-mediator").click()
    admin.wait_for_url("**/mediation/registry*")
    row = admin.locator("#mediator-list tr", has_text="孙调解")
    assert "邻里纠纷、物业纠纷" in row.inner_text() and "望京街道" in row.inner_text()
    assert "<code>1101" not in admin.content()
    shot(admin, "mediation-registry")
