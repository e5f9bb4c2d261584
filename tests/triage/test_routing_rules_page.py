"""The routing-rule admin pages (分流规则): create, list, edit and delete through forms, each change
audited by the service; non-admins get the 403 page; a refused form shows the Chinese message next to
its field and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.accounts import login, make_user
from support.cases import CHAOYANG_CGW, CHAOYANG_ENV, staff
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.triage.models import RoutingRule

RULE = {
    "name": "朝阳噪声扰民",
    "priority": "120",
    "demand_type": "complaint",
    "category_prefix": "0202",
    "division_prefix": "110105",
    "lead_unit": CHAOYANG_CGW,
    "lead_unit_type": "",
    "co_units": f"{CHAOYANG_ENV}",
    "note": "夜间噪声优先城管",
    "active": "1",
}


@pytest.fixture
def admin(app: Any, session: Session) -> TestClient:
    make_user(session, "admin_rr", Role.admin)
    client = TestClient(app)
    login(client, "admin_rr")
    return client


def _count(session: Session, model: Any, **where: Any) -> int:
    statement = select(func.count()).select_from(model)
    for name, value in where.items():
        statement = statement.where(getattr(model, name) == value)
    return int(session.execute(statement).scalar_one())


def _rule_id(response: Any) -> int:
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert location.endswith("?saved=1")
    return int(location.split("/")[-1].split("?")[0])


def test_admin_round_trip(admin: TestClient, session: Session) -> None:
    assert "分流规则" in admin.get("/admin/routing-rules").text
    assert 'name="lead_unit"' in admin.get("/admin/routing-rules/new").text
    rule_id = _rule_id(admin.post("/admin/routing-rules", data=RULE, follow_redirects=False))
    listed = admin.get("/admin/routing-rules").text
    assert "朝阳噪声扰民" in listed and CHAOYANG_CGW in listed and "分类 0202" in listed
    form = admin.get(f"/admin/routing-rules/{rule_id}").text
    assert "夜间噪声优先城管" in form and CHAOYANG_ENV in form
    assert _count(session, AuditEntry, action="routing_rule.create", target_id=str(rule_id)) == 1

    edited = {**RULE, "name": "朝阳噪声（属地）", "lead_unit": "", "lead_unit_type": "street", "active": ""}
    assert (
        _rule_id(admin.post(f"/admin/routing-rules/{rule_id}", data=edited, follow_redirects=False))
        == rule_id
    )
    session.expire_all()
    rule = session.get(RoutingRule, rule_id)
    assert rule is not None
    assert (rule.name, rule.lead_unit_code, rule.lead_unit_type, rule.active) == (
        "朝阳噪声（属地）",
        None,
        "street",
        False,
    )
    assert rule.updated_by == "admin_rr"
    assert _count(session, AuditEntry, action="routing_rule.update", target_id=str(rule_id)) == 1

    deleted = admin.post(f"/admin/routing-rules/{rule_id}/delete", follow_redirects=False)
    assert deleted.status_code == 303 and deleted.headers["location"] == "/admin/routing-rules?deleted=1"
    session.expire_all()
    assert session.get(RoutingRule, rule_id) is None
    assert _count(session, AuditEntry, action="routing_rule.delete", target_id=str(rule_id)) == 1
    gone = admin.get(f"/admin/routing-rules/{rule_id}")
    assert gone.status_code == 404 and "不存在" in gone.text


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def test_non_admins_get_the_403_page(s: Any, admin: TestClient, session: Session) -> None:
    # `s` first: staff accounts are committed by their own connection before the admin is made.
    rule_id = _rule_id(admin.post("/admin/routing-rules", data=RULE, follow_redirects=False))
    before = _count(session, RoutingRule)
    for client in (s.operator, s.dispatcher, s.street):
        for path in ("/admin/routing-rules", "/admin/routing-rules/new", f"/admin/routing-rules/{rule_id}"):
            page = client.get(path)
            assert page.status_code == 403 and "无权访问" in page.text
        refused = client.post("/admin/routing-rules", data={**RULE, "name": "越权规则"})
        assert refused.status_code == 403
        assert client.post(f"/admin/routing-rules/{rule_id}/delete").status_code == 403
    assert _count(session, RoutingRule) == before
    assert _count(session, AuditEntry, action="routing_rule.delete") == 0


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lead_unit": "D110105-nonexistent"}, "lead_unit", "主办单位不存在或已停用：D110105-nonexistent"),
        ({"co_units": "S999999999"}, "co_units", "协办单位不存在或已停用：S999999999"),
        ({"lead_unit": "", "lead_unit_type": ""}, "lead_unit", "请指定主办单位"),
        ({"lead_unit_type": "street"}, "lead_unit", "请指定主办单位"),
        ({"category_prefix": "9999"}, "category_prefix", "未知的诉求分类：9999"),
        ({"division_prefix": "119999"}, "division_prefix", "未知的行政区划：119999"),
        ({"demand_type": "rumour"}, "demand_type", "未知的诉求类型：rumour"),
        ({"lead_unit": "", "lead_unit_type": "spaceport"}, "lead_unit_type", "未知的单位类型：spaceport"),
        ({"name": ""}, "name", "此项必填"),
        ({"priority": "abc"}, "priority", "整数"),
        ({"priority": "5000"}, "priority", "整数"),
    ],
)
def test_refused_forms_show_the_message_and_write_nothing(
    admin: TestClient, session: Session, change: dict[str, str], field: str, message: str
) -> None:
    rules_before, audits_before = _count(session, RoutingRule), _count(session, AuditEntry)
    page = admin.post("/admin/routing-rules", data={**RULE, **change})
    assert page.status_code == 422
    assert message in page.text
    assert f'id="f-{field}"' in page.text and 'aria-invalid="true"' in page.text
    assert _count(session, RoutingRule) == rules_before
    assert _count(session, AuditEntry) == audits_before


def test_refused_edit_keeps_the_stored_rule(admin: TestClient, session: Session) -> None:
    rule_id = _rule_id(admin.post("/admin/routing-rules", data=RULE, follow_redirects=False))
    audits = _count(session, AuditEntry)
    bad = admin.post(f"/admin/routing-rules/{rule_id}", data={**RULE, "name": "改坏", "lead_unit": "X1"})
    assert bad.status_code == 422 and "主办单位不存在或已停用：X1" in bad.text
    session.expire_all()
    rule = session.get(RoutingRule, rule_id)
    assert rule is not None and rule.name == "朝阳噪声扰民" and rule.lead_unit_code == CHAOYANG_CGW
    assert _count(session, AuditEntry) == audits
