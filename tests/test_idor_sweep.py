"""The IDOR sweep: every route that takes an id of jurisdiction-bound data, called with the ids of
望京's data by actors from elsewhere — another street (酒仙桥), another district (海淀), an app's
API key (api_client) and another street's grid worker — answers no 2xx, while 望京's own street and
its district (朝阳) read the same ids. An app's key also reads nothing of /api.

The routes are taken from the app itself, so a new route with an id is swept as soon as it exists:
the test fails when a route's id parameter is not known here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import client as gov_client
from grid.cells.wangjing import wangjing_cell
from mediation.accounts import client as mediation_client
from mediation.accounts import register as register_dispute
from mediation.accounts import registry as mediation_registry
from petitions.accounts import client as petition_client
from petitions.accounts import register as register_petition
from support.accounts import login, make_user
from support.cases import CASE_BODY, WANGJING, act, intake, staff
from zhili.analytics.models import ProactiveTask, Topic
from zhili.auth import service as accounts
from zhili.auth.models import Role
from zhili.auth.permissions import route_permissions
from zhili.cases.lifecycle.transitions import RULES
from zhili.cases.models import Attachment, Case
from zhili.community.halls.models import Decision, FollowUp
from zhili.mediation.states import RULES as MEDIATION_RULES
from zhili.petitions.states import RULES as PETITION_RULES
from zhili.suggestions.models import Suggestion
from zhili.suggestions.states import RULES as SUGGESTION_RULES
from zhili.units.models import Unit

PARAM = re.compile(r"{(\w+)(?::\w+)?}")
# Ids of data that is not bound to a jurisdiction (accounts, the unit directory, taxonomy, the plan,
# knowledge, published league tables, divisions): their routes are decided by role alone.
NOT_JURISDICTION_BOUND = {
    "user_id",
    "key_id",
    "entry_id",
    "rule_id",
    "policy_id",
    "run_id",
    "fmt",
    "rest",
    "service_code",
    "service_request_id",
    "token",
    "message_id",  # the SMS outbox: admins only (notifications/policy.py)
    "job_id",  # failed background jobs: admins only (jobs/policy.py)
}
# Public routes: citizens' tracking (guarded by code + phone tail) and reference data.
PUBLIC_PREFIXES = ("/api/track/", "/portal/", "/api/divisions", "/open311/", "/plan/", "/api/plan/")
# What an app's key may call under /api: who it is, and public reference data.
API_CLIENT_ALLOWED = {
    "/api/auth/me",
    "/api/auth/logout",
    "/api/auth/password",
    "/api/divisions",
    "/api/divisions/resolve",
    "/api/cases/actions",
    "/api/petitions/track",  # public: a petitioner's tracking by code + phone tail
    "/api/suggestions/track",  # public: a suggester's tracking by code + phone tail
    "/api/suggestions/calls",  # public: the open 征集 campaigns
    "/api/suggestions/excellent",  # public: the 优秀建议 list (consented, no personal data)
}


@dataclass
class Owned:
    """望京's data: one id for each kind of path parameter."""

    ids: dict[str, str] = field(default_factory=dict)

    def path(self, template: str) -> str:
        if template.startswith("/api/analytics/topics/"):
            return template.replace("{topic_id}", self.ids["analytics_topic_id"])
        if template.startswith(("/api/grid/verifications/", "/grid/verifications/")):
            return template.replace("{task_id}", self.ids["verification_id"])
        return PARAM.sub(lambda m: self.ids[m.group(1)], template)


def _bodies(owned: Owned) -> dict[str, Any]:
    """A plausible body per write, so that a refusal is about who asks, not about the body."""
    return {
        "report": {"reply": "已处理完毕，已与市民联系"},
        "return": {"reason": "不属于本单位职责"},
        "dispatch": {"lead_unit": "S110105011"},
        "approve_return": {},
        "reject_return": {"reason": "属于本单位"},
        "request_extension": {"extension": "3d", "reason": "需要协调"},
        "supervise": {"note": "请加快办理"},
        "whistle": {"units": ["D110105-environment"]},
        "report_part": {"reply": "已配合"},
        "merge": {"target": owned.ids["other_code"]},
        "link": {"target": owned.ids["other_code"]},
        "visit": {"contacted": True, "solved": True, "satisfaction": "satisfied"},
        "reopen": {"note": "未解决"},
        "direct_close": {"knowledge_entry_id": 1},
        "/comments": {"body": "越权评论"},
        "/proposals": {"title": "越权提案", "body": "x", "support_threshold": 1},
        "/meetings": {"held_at": "2025-05-01T10:00:00+08:00", "place": "x", "attendees": 1, "minutes": "x"},
        "/supports": {"resident_id": 1},
        "/votes": {"resident_id": 1, "choice": "yes"},
        "/decision": {"summary": "越权决议"},
        "/done": {"outcome": "越权办结"},
        "/hours": {"hours": 1, "served_on": "2025-05-01", "note": "补录"},
        "/sign-in": {"activity_id": 1},
        "/sign-out": {"activity_id": 1},
        "/result": {"result": "confirmed", "note": "x"},
        "/end": {"cells": []},
        "/worker": {"username": "grid_jxq"},
        **{
            step: {"unit": "G110105", "mode": "转送", "text": "越权办理", "days": 3}
            for step in (
                "accept",
                "refer",
                "refuse",
                "take",
                "extend",
                "reply",
                "review",
                "recheck",
                "conclude",
            )
        },
        "conclude": {},
        "request_review": {"unit": "G110105"},
        "request_recheck": {"unit": "M11-CGW"},
        "leader": {"username": "xf_leader"},
        "leader-actions": {"kind": "meeting", "note": "越权记录"},
        "/receptions/": {"visitors": 1, "summary": "越权记录"},
        "/cells/": {"community_code": owned.ids["community_code"]},
        "/facilities/": {"state": "faulty"},
        "/profiles/": {"population": 1, "households": 1, "service_space_m2": 400},
        "dispute": {"parties": [{"name": "越权甲"}, {"name": "越权乙"}]},
    }


def _body_for(bodies: dict[str, Any], path: str) -> Any:
    action = path.rsplit("/", 1)[-1]
    if path.startswith(("/api/suggestions/items/", "/suggestions/items/")):  # its own step shape
        return {"text": "越权审阅", "unit": "D110105-environment"} | (
            {"action": "adopt"} if action == "act" else {}
        )
    if action in bodies:
        return bodies[action]
    return next((body for key, body in bodies.items() if key.startswith("/") and key in path + "/"), {})


def _setup(app: Any, session: Session) -> Owned:
    # Every committed account first (SQLite takes one writer; the test's own writes come after).
    petition_office = petition_client(app, "office")
    desk = staff(app)
    owned = Owned()
    cell, community = wangjing_cell(app, session)
    owned.ids.update(cell=cell, community_code=community)
    code = intake(desk.operator)
    act(desk.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(desk.street, code, "sign")
    owned.ids.update(code=code, other_code=intake(desk.operator), action="contact")
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    photo = Attachment(
        case_id=case.id,
        filename="a.png",
        content_type="image/png",
        size=1,
        sha256="0" * 64,
        storage_key="00/" + "0" * 64,
        uploaded_by="op_a",
        uploaded_at=datetime.now(UTC),
    )
    session.add(photo)
    wangjing = session.execute(select(Unit).where(Unit.code == WANGJING)).scalar_one()
    now = datetime.now(UTC)
    topic = Topic(
        month="2026-11",
        title="望京噪音",
        category_code="0202",
        area_code="110105026",
        keyword="",
        score=1.0,
        metrics="{}",
        chosen_by="disp_a",
        chosen_at=now,
    )
    session.add(topic)
    session.flush()
    task = ProactiveTask(
        kind="topic",
        topic_id=topic.id,
        unit_id=wangjing.id,
        title="望京噪音治理",
        due_at=now + timedelta(days=7),
        created_by="disp_a",
        created_at=now,
    )
    session.add(task)
    session.flush()
    owned.ids.update(analytics_topic_id=str(topic.id), task_id=str(task.id), attachment_id=str(photo.id))

    worker = gov_client(app, "worker")
    appeal = desk.street.post(
        "/api/assessment/appeals", json={"case_code": code, "reason": "不合理诉求", "evidence": "现场照片"}
    )
    assert appeal.status_code == 201, appeal.text
    owned.ids["appeal_id"] = str(appeal.json()["id"])
    profile = worker.put(
        f"/api/community/profiles/{community}",
        json={"population": 3000, "households": 1200, "service_space_m2": 400},
    )
    assert profile.status_code == 200, profile.text
    hall = worker.post(
        "/api/community/halls",
        json={"community_code": community, "name": "望京议事厅", "established_on": "2024-03-01"},
    )
    assert hall.status_code == 201, hall.text
    topic_out = worker.post(
        "/api/community/topics", json={"hall_id": hall.json()["id"], "title": "停车难", "description": "x"}
    )
    assert topic_out.status_code == 201, topic_out.text
    proposal = worker.post(
        f"/api/community/topics/{topic_out.json()['id']}/proposals",
        json={"title": "划线停车", "body": "x", "support_threshold": 1},
    )
    assert proposal.status_code == 201, proposal.text
    decision = Decision(
        proposal_id=proposal.json()["id"],
        topic_id=topic_out.json()["id"],
        adopted=True,
        yes=1,
        no=0,
        abstain=0,
        summary="通过",
        decided_by="cw_wangjing",
        decided_at=now,
    )
    session.add(decision)
    session.flush()
    follow_up = FollowUp(decision_id=decision.id, title="张贴公告", assignee="物业", created_by="cw_wangjing")
    session.add(follow_up)
    volunteer = worker.post(
        "/api/community/volunteers",
        json={"community_code": community, "name": "王五", "phone": "13900001111"},
    )
    assert volunteer.status_code == 201, volunteer.text
    grid = gov_client(app, "grid")
    patrol = grid.post("/api/grid/patrols", json={})
    assert patrol.status_code == 201, patrol.text
    verification = gov_client(app, "dispatcher").post("/api/grid/verifications", json={"case_code": code})
    assert verification.status_code == 201, verification.text
    place = worker.post(
        "/api/grid/places",
        json={"community_code": community, "kind": "building", "name": "望京西园三区3号楼"},
    )
    assert place.status_code == 201, place.text
    facility = worker.post(
        "/api/grid/facilities",
        json={"community_code": community, "kind": "street_light", "label": "路灯 A-1"},
    )
    assert facility.status_code == 201, facility.text
    petition = register_petition(petition_office)
    reception = petition_office.post(
        "/api/petitions/receptions",
        json={
            "kind": "reception_day",
            "leader": "xf_leader",
            "division_code": "110105026",
            "starts_at": "2025-11-05T09:00:00+08:00",
            "ends_at": "2025-11-05T11:00:00+08:00",
            "place": "望京街道信访接待室",
        },
    )
    assert reception.status_code == 201, reception.text
    committees = mediation_registry(app)
    dispute = register_dispute(mediation_client(app, "worker"))  # 望京's community worker
    check_round = mediation_client(app, "worker").post(
        "/api/mediation/rounds",
        json={
            "division_code": community,
            "checked_on": "2025-05-01",
            "checkers": "社区书记",
            "findings": [{"kind": "neighbour", "description": "楼道堆物争吵"}],
        },
    )
    assert check_round.status_code == 201, check_round.text
    suggestion = desk.operator.post(  # a 12345 建议 demand in 望京 flows to 朝阳's 人民建议征集
        "/api/cases", json={**CASE_BODY, "demand_type": "建议", "title": "建议增设停车位"}
    )
    assert suggestion.status_code == 201, suggestion.text
    session.flush()
    owned.ids.update(
        dispute_code=dispute["code"],
        committee_id=str(committees["people"]["id"]),
        mediator_id=str(committees["first"]["id"]),
        round_id=str(check_round.json()["id"]),
        position="1",
        suggestion_code=_suggestion_of(session, suggestion.json()["code"]),
        matter_code=petition["matter_code"],
        petition_code=petition["code"],
        reception_id=str(reception.json()["id"]),
        topic_id=str(topic_out.json()["id"]),
        proposal_id=str(proposal.json()["id"]),
        follow_up_id=str(follow_up.id),
        volunteer_id=str(volunteer.json()["id"]),
        patrol_id=str(patrol.json()["id"]),
        verification_id=str(verification.json()["id"]),
        facility_id=str(facility.json()["id"]),
    )
    return owned


def _suggestion_of(session: Session, case_code: str) -> str:
    case_id = session.execute(select(Case.id).where(Case.code == case_code)).scalar_one()
    return session.execute(select(Suggestion.code).where(Suggestion.case_id == case_id)).scalar_one()


def _foreign(app: Any, session: Session) -> dict[str, TestClient]:
    # The committed accounts first: they are created on a second connection, which would wait on
    # this test's own transaction once it has written (SQLite allows one writer; the audit chain's
    # head is locked on PostgreSQL).
    other_worker, grid_jxq = gov_client(app, "other_worker"), gov_client(app, "grid_jxq")
    desk = staff(app)
    haidian = TestClient(app)
    make_user(session, "idor_haidian", Role.dispatcher, "C110108")
    login(haidian, "idor_haidian")
    user, _ = accounts.create_user(session, username="idor_app", role=Role.api_client, unit_code="C11")
    _, key = accounts.issue_api_key(session, user, "IDOR", actor="test")
    session.commit()
    app_client = TestClient(app, headers={"X-API-Key": key})
    return {
        "酒仙桥街道": desk.other_street,
        "酒仙桥社区工作者": other_worker,
        "海淀区派单员": haidian,
        "接口客户端": app_client,
        "酒仙桥网格员": grid_jxq,
    }


def _owners(app: Any, session: Session) -> dict[str, TestClient]:
    chaoyang = TestClient(app)
    make_user(session, "idor_chaoyang", Role.dispatcher, "C110105")
    login(chaoyang, "idor_chaoyang")
    return {"望京街道": staff(app).street, "朝阳区派单员": chaoyang}


def _bound_routes(app: Any) -> list[tuple[str, str]]:
    routes = []
    for route in route_permissions(app):
        names = set(PARAM.findall(route.path))
        if not names or names <= NOT_JURISDICTION_BOUND or route.path.startswith(PUBLIC_PREFIXES):
            continue
        if "{action}" in route.path:
            continue  # one route per action: each is listed from its state table below
        if route.path.startswith(("/api/units/", "/admin/")):
            continue  # the directory and admin pages: decided by role (admins only for writes)
        routes.extend((method, route.path) for method in route.methods)
    return routes


def test_no_cross_jurisdiction_success(app: Any, session: Session) -> None:
    owned = _setup(app, session)
    foreign = _foreign(app, session)
    bodies = _bodies(owned)
    routes = _bound_routes(app)
    assert len(routes) >= 50  # the sweep is not vacuous
    # Every action of the lifecycle table, by the API and by the case page.
    routes += [("POST", f"/api/cases/{{code}}/{a}") for a in RULES]
    routes += [("POST", f"/cases/{{code}}/act/{a}") for a in RULES]
    routes += [("POST", f"/api/petitions/matters/{{matter_code}}/{a}") for a in PETITION_RULES]
    routes += [("POST", f"/petitions/matters/{{matter_code}}/act/{a}") for a in PETITION_RULES]
    routes += [("POST", f"/api/mediation/disputes/{{dispute_code}}/{a}") for a in MEDIATION_RULES]
    routes += [("POST", f"/mediation/disputes/{{dispute_code}}/act/{a}") for a in MEDIATION_RULES]
    routes += [("POST", f"/api/suggestions/items/{{suggestion_code}}/{a}") for a in SUGGESTION_RULES]
    successes = []
    for method, template in routes:
        path = owned.path(template)
        body = _body_for(bodies, path)
        for who, client in foreign.items():
            if method == "GET":
                response = client.get(path, follow_redirects=False)
            elif template.startswith("/cases/") or not template.startswith("/api/"):
                response = client.request(method, path, data=body, follow_redirects=False)
            else:
                response = client.request(method, path, json=body, follow_redirects=False)
            if 200 <= response.status_code < 300:
                successes.append(f"{who}: {method} {path} → {response.status_code}")
    assert successes == []
    # The ids are real: 望京 and its district read them.
    for who, client in _owners(app, session).items():
        for template in ("/api/cases/{code}", "/api/analytics/tasks/{task_id}", "/cases/{code}"):
            answer = client.get(owned.path(template))
            assert answer.status_code == 200, (who, template, answer.text[:200])


def test_an_apps_key_reads_nothing_of_the_staff_api(app: Any, session: Session) -> None:
    foreign = _foreign(app, session)
    app_client = foreign["接口客户端"]
    read = []
    for route in route_permissions(app):
        if "GET" not in route.methods or PARAM.search(route.path) or not route.path.startswith("/api/"):
            continue
        if route.path in API_CLIENT_ALLOWED or route.path.startswith(PUBLIC_PREFIXES):
            continue
        response = app_client.get(route.path)
        if response.status_code < 300 or response.status_code == 422:  # 422: it got past the permission
            read.append(f"GET {route.path} → {response.status_code}")
    assert read == []
