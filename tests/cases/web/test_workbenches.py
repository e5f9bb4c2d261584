"""Workbench pages over TestClient: each role's page, actions through forms (plain and htmx), role and
jurisdiction checks, Chinese errors and that a refused action writes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING, act, intake, staff
from zhili.app import create_app
from zhili.audit.models import AuditEntry
from zhili.cases.models import Case
from zhili.settings import Settings
from zhili.triage.models import Recommendation

HTMX = {"HX-Request": "true"}
FORM = {
    "demand_type": "complaint",
    "urgency": "ordinary",
    "channel": "phone",
    "category": "020201",
    "title": "楼下广场舞噪音扰民",
    "description": "每天晚上九点后音响很大，影响休息。",
    "address": "北京市朝阳区望京街道望京西园三区",
    "lat": "39.9966",
    "lng": "116.4706",
    "name": "张三",
    "phone": "13812341234",
}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _count(session: Session, model: Any = Case) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _state(s: Any, code: str) -> str:
    return str(s.operator.get(f"/api/cases/{code}").json()["state"])


def test_operator_intake_form_gives_a_tracking_code(s: Any, session: Session) -> None:
    page = s.operator.get("/work/intake")
    assert page.status_code == 200
    assert 'name="title"' in page.text and "诉求受理" in page.text
    done = s.operator.post("/work/intake", data={**FORM, "idem": "k-1"})
    assert done.status_code == 201, done.text
    code = done.text.split('data-testid="tracking-code">')[1].split("<")[0]
    detail = s.operator.get(f"/api/cases/{code}").json()
    assert detail["state"] == "received" and detail["street_code"] == "110105026"
    # The same form sent twice (a double click) does not make a second case.
    again = s.operator.post("/work/intake", data={**FORM, "idem": "k-1"})
    assert again.status_code == 200 and code in again.text


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "此项必填"),
        ("phone", "12345", "电话号码格式不正确"),
        ("demand_type", "nonsense", "请从列表中选择"),
        ("category", "999999", "未知的诉求分类"),
        ("lat", "north", "需要填写数字"),
    ],
)
def test_intake_bad_input_names_the_field_and_writes_nothing(
    s: Any, session: Session, field: str, value: str, message: str
) -> None:
    before = _count(session)
    page = s.operator.post("/work/intake", data={**FORM, field: value})
    assert page.status_code == 422
    assert message in page.text
    assert f'id="f-{field}"' in page.text and 'aria-invalid="true"' in page.text
    assert _count(session) == before


def test_intake_suggestions_list_categories_and_knowledge(s: Any) -> None:
    created = s.dispatcher.post(
        "/api/knowledge",
        json={
            "question": "广场舞噪音扰民怎么办",
            "answer": "可向属地街道反映，由街道协调。",
            "keywords": "广场舞;噪音",
        },
    )
    assert created.status_code == 201, created.text
    panel = s.operator.get(
        "/work/intake/suggest", params={"title": "广场舞噪音扰民", "description": "晚上太吵"}
    )
    assert panel.status_code == 200
    assert "分类建议" in panel.text and "广场舞噪音扰民怎么办" in panel.text
    assert f'data-direct-close="{created.json()["id"]}"' in panel.text


def test_direct_close_from_a_knowledge_entry(s: Any) -> None:
    entry = s.dispatcher.post(
        "/api/knowledge", json={"question": "公租房如何申请", "answer": "向户籍所在街道提交申请材料。"}
    ).json()
    form = {
        **FORM,
        "demand_type": "consultation",
        "title": "咨询公租房申请",
        "knowledge_entry_id": str(entry["id"]),
    }
    done = s.operator.post("/work/intake", data=form)
    assert done.status_code == 201, done.text
    assert "已依据知识库答复并办结" in done.text
    code = done.text.split('data-testid="tracking-code">')[1].split("<")[0]
    assert _state(s, code) == "closed"


def test_direct_close_with_unknown_entry_writes_nothing(s: Any, session: Session) -> None:
    before = _count(session)
    form = {**FORM, "demand_type": "consultation", "knowledge_entry_id": "999999"}
    page = s.operator.post("/work/intake", data=form, headers=HTMX)
    assert page.status_code == 422
    assert "知识库条目不存在" in json.loads(page.headers["HX-Trigger"])["zhili-toast"]["message"]
    assert _count(session) == before
    # Only a consultation may be closed from the knowledge base.
    complaint = s.operator.post("/work/intake", data={**FORM, "knowledge_entry_id": "1"}, headers=HTMX)
    assert complaint.status_code == 409
    assert "只有咨询类诉求" in json.loads(complaint.headers["HX-Trigger"])["zhili-toast"]["message"]
    assert _count(session) == before


def test_each_role_opens_its_workbench_and_not_the_others(s: Any) -> None:
    allowed = {
        "operator": ["/work/intake", "/work/visits"],
        "dispatcher": ["/work/intake", "/work/visits", "/work/dispatch", "/admin/knowledge"],
        "street": ["/work/inbox"],
    }
    refused = {
        "operator": ["/work/dispatch", "/work/inbox", "/admin/categories", "/admin/knowledge"],
        "dispatcher": ["/work/inbox", "/admin/time-limits"],
        "street": ["/work/intake", "/work/dispatch", "/work/visits", "/admin/categories"],
    }
    for role, paths in allowed.items():
        for path in paths:
            assert getattr(s, role).get(path).status_code == 200, (role, path)
    for role, paths in refused.items():
        for path in paths:
            page = getattr(s, role).get(path)
            assert page.status_code == 403, (role, path)
            assert "无权访问" in page.text and "Traceback" not in page.text


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    for path in ("/work/intake", "/work/dispatch", "/work/inbox", "/work/visits", "/cases/BJ1"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login"), path


def test_street_cannot_open_another_streets_case(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    assert s.street.get(f"/cases/{code}").status_code == 200
    page = s.other_street.get(f"/cases/{code}")
    assert page.status_code == 404
    assert "不存在或不在您的辖区内" in page.text and CASE_BODY["title"] not in page.text
    acted = s.other_street.post(f"/cases/{code}/act/sign", data={})
    assert acted.status_code == 404
    assert _state(s, code) == "dispatched"


def test_case_page_masks_personal_data_by_role(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    full = s.operator.get(f"/cases/{code}").text
    assert "13812341234" in full and "张三" in full
    masked = s.street.get(f"/cases/{code}").text
    assert "13812341234" not in masked and "110105199001011234" not in masked and "已脱敏" in masked
    assert 'id="case-map"' in masked and "朝阳区" in masked and "签收" in masked


def test_dispatch_queue_shows_the_triage_recommendation(s: Any, session: Session) -> None:
    code = intake(s.operator)
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    rec = session.execute(select(Recommendation).where(Recommendation.case_id == case.id)).scalar_one()
    page = s.dispatcher.get("/work/dispatch")
    assert page.status_code == 200
    row = page.text.split(f'data-code="{code}"')[1].split("</article>")[0]
    assert rec.lead_unit_code and f'value="{rec.lead_unit_code}"' in row
    assert json.loads(rec.explanation)["route"] in row


def test_dispatch_queue_guesses_when_triage_stored_nothing(s: Any, session: Session) -> None:
    code = intake(s.operator)
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    session.execute(delete(Recommendation).where(Recommendation.case_id == case.id))
    session.commit()
    row = s.dispatcher.get("/work/dispatch").text.split(f'data-code="{code}"')[1].split("</article>")[0]
    assert 'value="S110105026"' in row and "属地" in row


def test_actions_through_forms_walk_the_case_to_closed(s: Any) -> None:
    code = intake(s.operator)
    steps = [
        (s.dispatcher, "dispatch", {"lead_unit": WANGJING, "next": "/work/dispatch"}),
        (s.street, "sign", {"next": "/work/inbox"}),
        (s.street, "contact", {"note": "已电话联系"}),
        (s.street, "report", {"reply": "已协调广场舞队调整时间。"}),
        (s.operator, "visit", {"contacted": "1", "solved": "1", "satisfaction": "satisfied"}),
    ]
    for client, action, data in steps:
        response = client.post(f"/cases/{code}/act/{action}", data=data, headers=HTMX)
        assert response.status_code == 200, (action, response.text)
        location = json.loads(response.headers["HX-Location"])
        assert location["target"] == "#work"
        assert "已完成" in json.loads(response.headers["HX-Trigger"])["zhili-toast"]["message"]
    assert _state(s, code) == "closed"
    # The plain-form fallback answers 303 to the page it came from.
    other = intake(s.operator)
    plain = s.dispatcher.post(
        f"/cases/{other}/act/dispatch",
        data={"lead_unit": WANGJING, "next": "//evil.example"},
        follow_redirects=False,
    )
    assert plain.status_code == 303 and plain.headers["location"] == f"/cases/{other}"


def test_workbench_fragment_is_served_to_htmx(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    page = s.street.get("/work/inbox")
    assert "<html" in page.text and code in page.text and "剩 " in page.text
    fragment = s.street.get("/work/inbox", headers={**HTMX, "HX-Target": "work"})
    assert "<html" not in fragment.text and code in fragment.text


@pytest.mark.parametrize(
    ("action", "data", "message", "field"),
    [
        ("return", {}, "请填写退单理由", "reason"),
        ("whistle", {"units": "D110105-urban_management"}, "不能吹哨", None),
        ("sign", {"version": "abc"}, "需要填写数字", "version"),
        ("request_extension", {"extension": "10d"}, "请填写延期理由", "reason"),
        ("return", {"reason": "x" * 5001}, "最多 5000", "reason"),
        ("no_such_action", {}, "未知的操作", None),
    ],
)
def test_refused_action_is_a_toast_and_writes_nothing(
    s: Any, session: Session, action: str, data: dict[str, str], message: str, field: str | None
) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    audits = _count(session, AuditEntry)
    version = s.operator.get(f"/api/cases/{code}").json()["version"]
    response = s.street.post(f"/cases/{code}/act/{action}", data=data, headers=HTMX)
    assert response.status_code in (404, 409, 422), response.text
    assert response.headers["HX-Reswap"] == "none"
    assert message in json.loads(response.headers["HX-Trigger"])["zhili-toast"]["message"]
    plain = s.street.post(f"/cases/{code}/act/{action}", data=data)
    assert message in plain.text and "Traceback" not in plain.text
    assert s.operator.get(f"/api/cases/{code}").json()["version"] == version
    assert _count(session, AuditEntry) == audits


def test_stale_version_is_a_conflict(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    response = s.street.post(f"/cases/{code}/act/sign", data={"version": "1"}, headers=HTMX)
    assert response.status_code == 409
    assert "刚被他人更新" in json.loads(response.headers["HX-Trigger"])["zhili-toast"]["message"]


def test_return_arbitration_and_whistle_from_the_workbenches(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    s.street.post(f"/cases/{code}/act/return", data={"reason": "不属于本街道"}, headers=HTMX)
    queue = s.dispatcher.get("/work/dispatch").text
    assert "不属于本街道" in queue.split('id="returns"')[1]
    assert (
        s.dispatcher.post(
            f"/cases/{code}/act/reject_return", data={"reason": "属地管理"}, headers=HTMX
        ).status_code
        == 200
    )
    act(s.street, code, "sign")
    s.street.post(f"/cases/{code}/act/whistle", data={"units": "D110105-urban_management"}, headers=HTMX)
    inbox = s.dept.get("/work/inbox").text
    assert code in inbox.split("协办诉求")[1] and f'data-testid="check_in-{code}"' in inbox
    assert s.dept.post(f"/cases/{code}/act/check_in", data={}, headers=HTMX).status_code == 200
    assert "协办反馈" in s.dept.get("/work/inbox").text


def test_reply_hint_scores_the_draft_reply(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    hint = s.street.get(f"/cases/{code}/reply-hint", params={"reply": "已转相关部门。"}, headers=HTMX)
    assert hint.status_code == 200 and "答复质量" in hint.text and "偏弱" in hint.text
    assert s.street.get(f"/cases/{code}/reply-hint", params={"reply": "好"}).text == ""
    assert s.other_street.get(f"/cases/{code}/reply-hint", params={"reply": "已处理完毕"}).status_code == 404


def test_intake_done_shows_possible_duplicates(s: Any) -> None:
    first = s.operator.post("/work/intake", data={**FORM, "idem": "d-1"})
    code = first.text.split('data-testid="tracking-code">')[1].split("<")[0]
    second = s.operator.post("/work/intake", data={**FORM, "idem": "d-2"})
    assert second.status_code == 201
    assert 'data-testid="intake-duplicates"' in second.text and code in second.text


def test_visited_case_waits_for_close_or_reopen_when_not_automatic(
    db: Any, settings: Settings, session: Session
) -> None:
    # The same secret key as the other tests' apps: staff sign-ins are shared per database.
    manual = settings.model_copy(update={"reopen_on_unresolved": False})
    s = staff(create_app(manual, database=db), session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply="已处理。")
    form = {"contacted": "1", "solved": "0", "satisfaction": "unsatisfied"}
    assert s.operator.post(f"/cases/{code}/act/visit", data=form, headers=HTMX).status_code == 200
    page = s.dispatcher.get("/work/visits").text
    assert "已回访待办结" in page and f'data-testid="reopen-{code}"' in page
    assert f'data-testid="reopen-{code}"' not in s.operator.get("/work/visits").text
    reopened = s.dispatcher.post(f"/cases/{code}/act/reopen", data={"note": "市民仍不满意"}, headers=HTMX)
    assert reopened.status_code == 200 and _state(s, code) == "dispatched"
