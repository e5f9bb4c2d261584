"""矛盾纠纷排查 rounds over HTTP: recorded by a community's staff, a finding registered as a dispute in
one click (once), bad input refused naming the field with nothing written, a street seeing only its
own rounds; the pages do the same — on both backends."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import wangjing_communities
from mediation.accounts import PARTIES, client, registry
from zhili.mediation.models import CheckFinding, CheckRound, Dispute


def _round(community: str, **overrides: Any) -> dict[str, Any]:
    return {
        "division_code": community,
        "checked_on": (date.today() - timedelta(days=1)).isoformat(),
        "checkers": "社区书记张华、网格员李强、人民调解员赵调解",
        "summary": "走访 3 个小区 12 个楼门。",
        "findings": [
            {"kind": "neighbour", "place": "望京西园三区 3 号楼", "description": "两户因楼道堆物争吵"},
            {"kind": "property_service", "description": "业主与物业就停车费有争议"},
        ],
        **overrides,
    }


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(  # type: ignore[return-value]
        int(session.scalar(select(func.count()).select_from(m)) or 0)
        for m in (CheckRound, CheckFinding, Dispute)
    )


def test_a_round_and_a_finding_registered_as_a_dispute(app: Any, session: Session) -> None:
    registry(app)
    community = wangjing_communities(session, 1)[0]
    worker = client(app, "worker")
    made = worker.post("/api/mediation/rounds", json=_round(community))
    assert made.status_code == 201, made.text
    check = made.json()
    assert [f["position"] for f in check["findings"]] == [1, 2] and check["findings"][0][
        "dispute_code"
    ] is None
    path = f"/api/mediation/rounds/{check['id']}/findings/1/dispute"
    one_party = worker.post(path, json={"parties": PARTIES[:1]})
    assert one_party.status_code == 422 and one_party.json()["error"]["field"] == "parties"
    registered = worker.post(path, json={"parties": PARTIES})
    assert registered.status_code == 201, registered.text
    code = registered.json()["code"]
    dispute = worker.get(f"/api/mediation/disputes/{code}").json()
    assert dispute["source"] == "screening" and dispute["source_label"] == "矛盾纠纷排查发现"
    assert dispute["division_code"] == community and dispute["place"] == "望京西园三区 3 号楼"
    assert dispute["facts"] == "两户因楼道堆物争吵"
    again = worker.post(path, json={"parties": PARTIES})
    assert again.status_code == 409 and code in again.json()["error"]["message"]
    assert worker.get(f"/api/mediation/rounds/{check['id']}").json()["findings"][0]["dispute_code"] == code
    missing = worker.post(
        f"/api/mediation/rounds/{check['id']}/findings/9/dispute", json={"parties": PARTIES}
    )
    assert missing.status_code == 404

    # Scope: 酒仙桥 sees none of 望京's rounds, reads and acts on none.
    other = client(app, "other_worker")
    assert other.get("/api/mediation/rounds").json() == []
    assert other.get(f"/api/mediation/rounds/{check['id']}").status_code == 404
    assert other.get(f"/mediation/rounds/{check['id']}").status_code == 404
    path2 = f"/api/mediation/rounds/{check['id']}/findings/2/dispute"
    assert other.post(path2, json={"parties": PARTIES}).status_code == 404
    assert [r["id"] for r in worker.get("/api/mediation/rounds").json()] == [check["id"]]
    assert client(app, "leader").post(path2, json={"parties": PARTIES}).status_code == 403


def test_bad_rounds_are_refused_naming_the_field_and_write_nothing(app: Any, session: Session) -> None:
    community = wangjing_communities(session, 1)[0]
    worker = client(app, "worker")
    before = _counts(session)
    cases = [
        (_round("110105026"), "division_code"),  # a street, not a community
        (_round("110105026999"), "division_code"),  # no such community
        (_round("110105011001"), "division_code"),  # 酒仙桥's community
        (_round(community, checked_on="2999-01-01"), "checked_on"),
        (_round(community, checked_on="昨天"), "checked_on"),
        (_round(community, checkers=" "), "checkers"),
        (_round(community, findings=[{"kind": "war", "description": "x x"}]), "findings"),
        (_round(community, findings=[{"kind": "neighbour", "description": ""}]), "findings"),
    ]
    for body, field in cases:
        refused = worker.post("/api/mediation/rounds", json=body)
        assert refused.status_code == 422, (body, refused.text)
        error = refused.json()["error"]
        assert (error.get("field") or "").startswith(field), (field, error)
    assert _counts(session) == before
    assert client(app, "leader").post("/api/mediation/rounds", json=_round(community)).status_code == 403


def test_the_round_pages(app: Any, session: Session) -> None:
    registry(app)
    community = wangjing_communities(session, 1)[0]
    worker = client(app, "worker")
    page = worker.get("/mediation/rounds")
    assert page.status_code == 200 and "登记排查" in page.text
    form = {
        "division_code": community,
        "checked_on": date.today().isoformat(),
        "checkers": "社区书记张华",
        "finding1_kind": "neighbour",
        "finding1_place": "望京西园三区 5 号楼",
        "finding1_description": "噪音扰民引发争吵",
    }
    before = _counts(session)
    refused = worker.post("/mediation/rounds", data={**form, "checked_on": "2999-01-01"})
    assert (
        refused.status_code == 422
        and "排查日期不能晚于今天" in refused.text
        and "噪音扰民引发争吵" in refused.text
    )
    no_kind = worker.post("/mediation/rounds", data={**form, "finding1_kind": ""})
    assert no_kind.status_code == 422 and "纠纷类型" in no_kind.text
    assert _counts(session) == before
    made = worker.post("/mediation/rounds", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text[:300]
    round_path = made.headers["location"]
    shown = worker.get(round_path)
    assert "噪音扰民引发争吵" in shown.text and 'data-testid="register-finding-1"' in shown.text
    one_name = worker.post(f"{round_path}/findings/1/dispute", data={"party1_name": "周一鸣"})
    assert one_name.status_code == 422 and "当事人" in one_name.text and "周一鸣" in one_name.text
    clicked = worker.post(
        f"{round_path}/findings/1/dispute",
        data={
            "party1_role": "申请人",
            "party1_name": "周一鸣",
            "party2_role": "被申请人",
            "party2_name": "吴二亮",
        },
        follow_redirects=False,
    )
    assert clicked.status_code == 303, clicked.text[:300]
    assert "已登记为纠纷" in worker.get(round_path).text
