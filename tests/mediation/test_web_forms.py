"""The dispute course driven through the web forms (register → 分流 → 指派 → 调解 → 成功 → 司法确认 →
回访), refused forms keeping what was typed and writing nothing, only the applicable steps shown,
the caseload (mine, next step, deadline) and a committee's page — on both backends."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mediation.accounts import NEIGHBOURS, client, post, register, registry, step
from zhili.mediation.models import Dispute, DisputeSession

FORM = {
    "kind": "neighbour",
    "source": "committee",
    "title": "楼道堆物引发邻里争吵",
    "facts": "望京西园三区 3 号楼两户居民因楼道堆放杂物多次争吵，请求调解。",
    "division_code": "110105026",
    "place": "望京西园三区 3 号楼",
    "party1_role": "申请人",
    "party1_name": "周一鸣",
    "party1_phone": "13911112222",
    "party2_role": "被申请人",
    "party2_name": "吴二亮",
}


def _count(session: Session, model: Any) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _act(c: Any, code: str, action: str, expect: int = 303, **data: Any) -> Any:
    response = c.post(f"/mediation/disputes/{code}/act/{action}", data=data, follow_redirects=False)
    assert response.status_code == expect, f"{action}: {response.status_code} {response.text[:500]}"
    return response


def test_a_full_course_through_the_forms(app: Any, session: Session) -> None:
    reg = registry(app)
    worker = client(app, "worker")
    page = worker.get("/mediation/new")
    assert page.status_code == 200 and "登记矛盾纠纷" in page.text
    done = worker.post("/mediation/new", data=FORM, follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    code = done.headers["location"].rsplit("/", 1)[-1]

    first = worker.get(f"/mediation/disputes/{code}")
    assert 'data-testid="act-route"' in first.text and 'data-testid="act-succeed"' not in first.text
    assert "望京西园三区 3 号楼" in first.text and "下一步" in first.text
    # The place reads by name; its code is only a tooltip, and the register form picks places by name.
    assert f'title="{FORM["division_code"]}">' in first.text and "望京街道" in first.text
    assert f"<code>{FORM['division_code']}</code>" not in first.text
    assert 'data-picker="/api/divisions/pick"' in page.text
    caseload = worker.get("/mediation").text
    assert "<code>110105" not in caseload
    _act(worker, code, "route")
    _act(worker, code, "assign", mediator_id=str(reg["second"]["id"]))
    _act(worker, code, "session", place="望京街道调解室", attendees=["1", "2"], notes="双方同意清理楼道。")
    page = worker.get(f"/mediation/disputes/{code}")
    assert 'data-testid="act-succeed"' in page.text and 'data-testid="act-route"' not in page.text
    _act(
        worker,
        code,
        "succeed",
        terms="双方三日内清理楼道杂物，今后不再堆放。",
        performance_due="2099-12-31",
        performance_method="社区监督清理",
    )
    _act(worker, code, "apply_confirmation", court="北京市朝阳区人民法院")
    _act(worker, code, "confirmation_result", confirmed="1")
    _act(worker, code, "follow_up", performed="1", notes="回访：楼道已清理。")
    final = worker.get(f"/api/mediation/disputes/{code}").json()
    assert final["state"] == "performed" and final["confirmation"] == "confirmed"
    assert final["mediator"] == "钱调解" and final["place"] == "望京西园三区 3 号楼"
    assert [s["action"] for s in final["steps"]] == [
        "register",
        "route",
        "assign",
        "session",
        "succeed",
        "apply_confirmation",
        "confirmation_result",
        "follow_up",
    ]
    closed = worker.get(f"/mediation/disputes/{code}")
    assert 'id="step-forms"' not in closed.text and "调解协议书（PDF）" in closed.text


def test_refused_forms_keep_what_was_typed_and_write_nothing(app: Any, session: Session) -> None:
    registry(app)
    worker = client(app, "worker")
    before = _count(session, Dispute)
    missing = worker.post("/mediation/new", data={**FORM, "party2_name": ""})
    assert missing.status_code == 422 and "当事人" in missing.text
    assert "楼道堆物引发邻里争吵" in missing.text  # what was typed stays
    bad_phone = worker.post("/mediation/new", data={**FORM, "party1_phone": "abc"})
    assert bad_phone.status_code == 422 and "电话格式不正确" in bad_phone.text
    assert re.search(r'id="f-party1_phone"[^>]*aria-invalid="true"', bad_phone.text)
    elsewhere = worker.post("/mediation/new", data={**FORM, "division_code": "110105011"})
    assert elsewhere.status_code == 422 and "不在您的辖区内" in elsewhere.text
    assert _count(session, Dispute) == before

    code = register(worker)["code"]
    step(worker, code, "route")
    refused = _act(worker, code, "session", expect=422, place="调解室甲", notes="双方到场陈述。")
    assert (
        "请选择到场的当事人" in refused.text
        and "调解室甲" in refused.text
        and "双方到场陈述。" in refused.text
    )
    no_terms = _act(worker, code, "succeed", expect=409, terms="x")
    assert "不能调解成功" in no_terms.text
    wrong_state_attendee = _act(worker, code, "session", expect=422, place="p", notes="n", attendees=["9"])
    assert "到场当事人序号" in wrong_state_attendee.text
    assert _count(session, DisputeSession) == 0
    assert worker.get(f"/api/mediation/disputes/{code}").json()["state"] == "routed"
    # A reader who may not mediate sees no forms and may not post them.
    leader = client(app, "leader")
    assert 'id="step-forms"' not in leader.get(f"/mediation/disputes/{code}").text
    assert leader.post(f"/mediation/disputes/{code}/act/assign", data={}).status_code == 403
    other = client(app, "other_worker")
    assert other.post(f"/mediation/disputes/{code}/act/assign", data={}).status_code == 404


def test_the_caseload_shows_mine_next_steps_and_deadlines_and_the_committee_page(
    app: Any, session: Session
) -> None:
    reg = registry(app)
    worker = client(app, "worker")
    admin = client(app, "admin")
    mine = post(
        admin,
        "/mediators",
        committee_id=reg["people"]["id"],
        name="李社工",
        specialties=["neighbour"],
        area="110105026",
        username="cw_wangjing",
    )
    assigned = register(worker)["code"]
    step(worker, assigned, "route")
    step(worker, assigned, "assign", mediator_id=mine["id"])
    waiting = register(worker, title="另一起纠纷")["code"]
    listing = worker.get("/mediation")
    assert assigned in listing.text and waiting in listing.text
    assert "指派调解员" not in listing.text.split(assigned)[1].split("</tr>")[0]
    assert "调解期限" in listing.text and "记录调解" in listing.text and "分流" in listing.text
    own = worker.get("/mediation?mine=1")
    assert assigned in own.text and waiting not in own.text and "我承办的纠纷" in own.text
    page = worker.get(f"/mediation/committees/{reg['people']['id']}")
    assert page.status_code == 200 and assigned in page.text and "李社工" in page.text
    assert client(app, "other_worker").get(f"/mediation/committees/{reg['people']['id']}").status_code == 404
    assert worker.get("/mediation/committees/999999").status_code == 404
    assert NEIGHBOURS["title"] in page.text
