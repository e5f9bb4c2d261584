"""The registry pages and forms: committees, mediators and 分流 rules added, edited and deactivated
through the web forms (audited as the API's writes), refused forms keeping what was typed and writing
nothing, readers who may not keep the registry seeing no edit links and getting 403, and places shown
by name — on both backends."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts import WANGJING, client, register, registry, step
from zhili.audit.models import AuditEntry
from zhili.mediation.models import MediationCommittee, Mediator, RoutingRule

HOME = "/mediation/registry"
JIUXIANQIAO = "110105011"


def _count(session: Session, model: Any) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _audited(session: Session, action: str) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0)


def _post(c: Any, path: str, expect: int = 303, data: Any = None) -> Any:
    response = c.post(f"{HOME}{path}", data=data or {}, follow_redirects=False)
    assert response.status_code == expect, f"{path}: {response.status_code} {response.text[:800]}"
    return response


def _no_codes(text: str) -> None:
    assert "<code>1101" not in text


def test_committees_are_added_edited_and_deactivated_through_the_forms(app: Any, session: Session) -> None:
    admin = client(app, "admin")
    form = admin.get(f"{HOME}/committees/new")
    assert form.status_code == 200 and 'data-picker="/api/divisions/pick"' in form.text
    assert "人民调解" in form.text and "行政调解" in form.text and "司法调解" in form.text
    done = _post(
        admin,
        "/committees/new",
        data={"name": "酒仙桥街道人民调解委员会", "track": "people", "division_code": JIUXIANQIAO},
    )
    assert done.headers["location"].startswith(HOME)
    assert _audited(session, "mediation.committee.add") == 1
    page = admin.get(HOME).text
    assert "酒仙桥街道人民调解委员会" in page and "酒仙桥街道" in page and "人民调解" in page
    _no_codes(page)
    committee = next(
        c for c in admin.get("/api/mediation/committees").json() if c["division_code"] == JIUXIANQIAO
    )
    edit = admin.get(f"{HOME}/committees/{committee['id']}")
    assert edit.status_code == 200 and "酒仙桥街道人民调解委员会" in edit.text
    assert "酒仙桥街道" in edit.text  # the picker shows the place's name beside its value
    # Renamed, then deactivated (the box left unticked).
    _post(
        admin,
        f"/committees/{committee['id']}",
        data={"name": "酒仙桥街道调委会", "track": "people", "division_code": JIUXIANQIAO, "active": "1"},
    )
    _post(
        admin,
        f"/committees/{committee['id']}",
        data={"name": "酒仙桥街道调委会", "track": "people", "division_code": JIUXIANQIAO},
    )
    listed = next(c for c in admin.get("/api/mediation/committees").json() if c["id"] == committee["id"])
    assert listed["name"] == "酒仙桥街道调委会" and listed["active"] is False
    assert _audited(session, "mediation.committee.update") == 2
    page = admin.get(HOME).text
    row = page.split("酒仙桥街道调委会")[1].split("</tr>")[0]
    assert "已停用" in row
    # A deactivated committee takes no 分流: a dispute there finds no committee of its track.
    worker = client(app, "other_worker")
    code = register(worker, division_code=JIUXIANQIAO)["code"]
    refused = step(worker, code, "route", expect=422)
    assert (
        refused["error"]["field"] == "committee_id"
        and "请先在调解组织名册中登记" in refused["error"]["message"]
    )


def test_mediators_are_added_edited_and_deactivated_through_the_forms(app: Any, session: Session) -> None:
    reg = registry(app)
    admin = client(app, "admin")
    form = admin.get(f"{HOME}/mediators/new").text
    assert "望京街道人民调解委员会（人民调解）" in form and 'type="checkbox" name="specialties"' in form
    assert "婚姻家庭纠纷" in form and "关联的工作人员账号" in form
    people = str(reg["people"]["id"])
    _post(
        admin,
        "/mediators/new",
        data={
            "committee_id": people,
            "name": "李社工",
            "specialties": ["neighbour", "family"],
            "area": WANGJING,
            "username": "cw_wangjing",
        },
    )
    assert _audited(session, "mediation.mediator.add") == 4  # three from the fixture, one here
    page = admin.get(HOME).text
    row = page.split("李社工")[1].split("</tr>")[0]
    assert "望京街道人民调解委员会" in row and "邻里纠纷、婚姻家庭纠纷" in row and "望京街道" in row
    _no_codes(page)
    made = session.scalars(select(Mediator).where(Mediator.name == "李社工")).one()
    edit = admin.get(f"{HOME}/mediators/{made.id}").text
    assert re.search(r'value="family"\s+checked', edit) and re.search(r'value="cw_wangjing"\s+selected', edit)
    _post(
        admin,
        f"/mediators/{made.id}",
        data={
            "committee_id": people,
            "name": "李社工",
            "specialties": ["property_service"],
            "area": WANGJING,
        },
    )
    session.expire_all()
    assert made.active is False and made.specialties == "property_service" and made.user_id is None
    assert _audited(session, "mediation.mediator.update") == 1
    names = [m["name"] for m in admin.get("/api/mediation/mediators").json()]
    assert "李社工" not in names  # no longer suggested nor assignable
    assert "已停用" in admin.get(HOME).text.split("李社工")[1].split("</tr>")[0]
    _post(
        admin,
        f"/mediators/{made.id}",
        data={
            "committee_id": people,
            "name": "李社工",
            "specialties": ["neighbour"],
            "area": WANGJING,
            "active": "1",
        },
    )
    assert "李社工" in [m["name"] for m in admin.get("/api/mediation/mediators").json()]


def test_routing_rules_are_added_edited_and_deactivated_through_the_forms(app: Any, session: Session) -> None:
    registry(app)
    admin = client(app, "admin")
    page = admin.get(HOME).text
    assert "来源为“法院诉前委派”的纠纷分流至司法调解" in page
    assert (
        "类型为“劳动争议”的纠纷分流至行政调解" in page and "其他纠纷（不限类型和来源）分流至人民调解" in page
    )
    form = admin.get(f"{HOME}/rules/new").text
    assert "不限类型" in form and "婚姻家庭纠纷" in form and "法院诉前委派" in form
    _post(
        admin,
        "/rules/new",
        data={"priority": "15", "kind": "family", "source": "", "track": "administrative", "active": "1"},
    )
    assert _audited(session, "mediation.rule.add") == 1
    assert "类型为“婚姻家庭纠纷”的纠纷分流至行政调解" in admin.get(HOME).text
    worker = client(app, "worker")
    first = register(worker, kind="family")["code"]
    assert step(worker, first, "route")["track"] == "administrative"
    rule = session.scalars(select(RoutingRule).where(RoutingRule.priority == 15)).one()
    edit = admin.get(f"{HOME}/rules/{rule.id}").text
    assert re.search(r'value="family"\s+selected', edit)
    _post(admin, f"/rules/{rule.id}", data={"priority": "15", "kind": "family", "track": "administrative"})
    session.expire_all()
    assert rule.active is False and _audited(session, "mediation.rule.update") == 1
    second = register(worker, kind="family")["code"]
    assert step(worker, second, "route")["track"] == "people"


def test_refused_forms_keep_what_was_typed_name_the_field_and_write_nothing(
    app: Any, session: Session
) -> None:
    reg = registry(app)
    admin = client(app, "admin")
    committees, mediators, rules = (_count(session, m) for m in (MediationCommittee, Mediator, RoutingRule))
    committee = {"name": "酒仙桥街道人民调解委员会", "track": "people", "division_code": JIUXIANQIAO}

    missing = _post(admin, "/committees/new", 422, {**committee, "name": ""})
    assert "请填写名称" in missing.text and f'value="{JIUXIANQIAO}"' in missing.text
    assert re.search(r'id="f-name"[^>]*aria-invalid="true"', missing.text)
    unknown = _post(admin, "/committees/new", 422, {**committee, "division_code": "110105999"})
    assert (
        "服务范围：区划编码 110105999 不存在" in unknown.text and "酒仙桥街道人民调解委员会" in unknown.text
    )
    typed = _post(admin, "/committees/new", 422, {**committee, "division_code": "酒仙桥"})
    assert "服务范围格式不正确" in typed.text and 'value="酒仙桥"' in typed.text
    twice = _post(admin, "/committees/new", 409, {**committee, "name": "望京街道人民调解委员会"})
    assert "已登记" in twice.text and re.search(r'id="f-name"[^>]*aria-invalid="true"', twice.text)
    bad_track = _post(admin, "/committees/new", 422, {**committee, "track": "martial"})
    assert "调解类型：请从列表中选择" in bad_track.text

    people = str(reg["people"]["id"])
    mediator = {"committee_id": people, "name": "王调解", "specialties": ["neighbour"], "area": WANGJING}
    no_name = _post(admin, "/mediators/new", 422, {**mediator, "name": ""})
    assert "请填写姓名" in no_name.text and re.search(r'value="neighbour"\s+checked', no_name.text)
    bad = _post(admin, "/mediators/new", 422, {**mediator, "specialties": ["neighbour", "flying"]})
    assert "擅长的纠纷类型：请从列表中选择" in bad.text and "王调解" in bad.text
    assert re.search(r'id="f-specialties"[^>]*aria-invalid="true"', bad.text)
    none = _post(admin, "/mediators/new", 422, {**mediator, "specialties": []})
    assert "擅长的纠纷类型" in none.text
    outside = _post(admin, "/mediators/new", 422, {**mediator, "area": JIUXIANQIAO})
    assert "应在所属调解组织的服务范围内" in outside.text and "王调解" in outside.text
    nowhere = _post(admin, "/mediators/new", 422, {**mediator, "area": "110105026999"})
    assert "负责地区：区划编码 110105026999 不存在" in nowhere.text
    stranger = _post(admin, "/mediators/new", 422, {**mediator, "username": "nobody_here"})
    assert "用户 nobody_here 不存在" in stranger.text
    ghost = _post(admin, "/mediators/new", 422, {**mediator, "committee_id": "999999"})
    assert "调解组织 999999 不存在" in ghost.text

    rule = {"priority": "15", "kind": "family", "track": "administrative", "active": "1"}
    low = _post(admin, "/rules/new", 422, {**rule, "priority": "0"})
    assert "优先级超出允许范围" in low.text and re.search(r'value="family"\s+selected', low.text)
    words = _post(admin, "/rules/new", 422, {**rule, "priority": "高"})
    assert "优先级需要填写数字" in words.text
    no_track = _post(admin, "/rules/new", 422, {**rule, "track": ""})
    assert "请填写分流至" in no_track.text or "分流至" in no_track.text

    # An edit refused the same way: the committee's area would leave its mediators outside.
    moved = _post(
        admin,
        f"/committees/{people}",
        422,
        {"name": "望京街道人民调解委员会", "track": "people", "division_code": JIUXIANQIAO, "active": "1"},
    )
    assert "赵调解" in moved.text and "不在新的服务范围内" in moved.text
    assert admin.get(f"{HOME}/committees/999999").status_code == 404
    assert admin.post(f"{HOME}/rules/999999", data=rule).status_code == 404
    assert (committees, mediators, rules) == tuple(
        _count(session, m) for m in (MediationCommittee, Mediator, RoutingRule)
    )
    assert _audited(session, "mediation.committee.update") == 0
    session.expire_all()
    assert session.get(MediationCommittee, reg["people"]["id"]).division_code == WANGJING  # type: ignore[union-attr]


def test_who_may_not_keep_the_registry_reads_it_without_edit_links_and_gets_403(
    app: Any, session: Session
) -> None:
    reg = registry(app)
    mediator, committee = reg["first"]["id"], reg["people"]["id"]
    worker = client(app, "worker")
    assert 'href="/mediation/registry"' in worker.get("/mediation").text
    page = worker.get(HOME)
    assert page.status_code == 200 and "望京街道人民调解委员会" in page.text and "赵调解" in page.text
    assert ">修改</a></td>" not in page.text and "/mediation/registry/committees/" not in page.text
    assert "/mediation/registry/mediators/" not in page.text and "/mediation/registry/rules/" not in page.text
    _no_codes(page.text)
    rule = session.scalars(select(RoutingRule)).first()
    assert rule is not None
    for who in ("worker", "leader", "street"):
        c = client(app, who)
        for path in (
            "/committees/new",
            f"/committees/{committee}",
            "/mediators/new",
            f"/mediators/{mediator}",
            "/rules/new",
            f"/rules/{rule.id}",
        ):
            assert c.get(f"{HOME}{path}").status_code == 403, (who, path)
            assert c.post(f"{HOME}{path}", data={"name": "越权"}).status_code == 403, (who, path)
    assert client(app, "operator").get(HOME).status_code == 403
    # The admin sees the edit links.
    admin = client(app, "admin").get(HOME).text
    assert f'href="/mediation/registry/committees/{committee}"' in admin
    assert f'href="/mediation/registry/mediators/{mediator}"' in admin
    assert 'data-testid="add-rule"' in admin


def test_the_api_edits_and_deactivates_committees_and_mediators(app: Any, session: Session) -> None:
    reg = registry(app)
    admin, worker = client(app, "admin"), client(app, "worker")
    people, first = reg["people"]["id"], reg["first"]["id"]
    body = {"name": "望京街道调委会", "track": "people", "division_code": WANGJING, "active": False}
    assert worker.put(f"/api/mediation/committees/{people}", json=body).status_code == 403
    assert admin.put("/api/mediation/committees/999999", json=body).status_code == 404
    taken = admin.put(f"/api/mediation/committees/{people}", json={**body, "name": "朝阳区劳动争议调解中心"})
    assert taken.status_code == 409 and taken.json()["error"]["field"] == "name"
    done = admin.put(f"/api/mediation/committees/{people}", json=body)
    assert (
        done.status_code == 200 and done.json()["active"] is False and done.json()["name"] == "望京街道调委会"
    )
    mediator = {"committee_id": people, "name": "赵调解", "specialties": ["neighbour"], "area": WANGJING}
    for change, field in (
        ({"specialties": ["flying"]}, "specialties.0"),
        ({"area": JIUXIANQIAO}, "area"),
        ({"committee_id": 999999}, "committee_id"),
        ({"username": "nobody_here"}, "username"),
    ):
        bad = admin.put(f"/api/mediation/mediators/{first}", json={**mediator, **change})
        assert bad.status_code == 422 and bad.json()["error"]["field"] == field, (change, bad.text)
    off = admin.put(f"/api/mediation/mediators/{first}", json={**mediator, "active": False})
    assert off.status_code == 200 and off.json()["active"] is False and off.json()["load"] == 0
    assert worker.put(f"/api/mediation/mediators/{first}", json=mediator).status_code == 403
    assert _audited(session, "mediation.committee.update") == 1
    assert _audited(session, "mediation.mediator.update") == 1
