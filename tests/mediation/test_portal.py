"""The citizen's 申请调解 portal: an application enters the register of the place's 人民调解委员会
with the parties sealed; tracked by code + phone tail, guarded and rate-limited; bad input refused
with the field named and nothing written — on both backends."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import wangjing_communities
from mediation.accounts import client, registry
from zhili.divisions.models import Division
from zhili.mediation.models import Dispute, DisputeParty
from zhili.mediation.tracking import WRONG_TAILS


def _browser(app: Any) -> TestClient:
    browser = TestClient(app)
    page = browser.get("/portal/dispute")
    assert page.status_code == 200 and "申请人民调解" in page.text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None
    browser.headers["X-CSRF-Token"] = token.group(1)
    return browser


def _address(session: Session, community: str) -> str:
    """What a citizen writes: the district, street and community by name, and the building."""
    division = session.get(Division, community)
    assert division is not None
    return f"朝阳区望京街道{division.name}3号楼"


def _application(address: str) -> dict[str, str]:
    return {
        "kind": "neighbour",
        "address": address,
        "facts": "楼上住户深夜噪音扰民，多次沟通无果，申请调解。",
        "name": "郑小燕",
        "phone": "13600007788",
        "other_name": "冯大力",
    }


def _count(session: Session) -> int:
    session.expire_all()
    return int(session.scalar(select(func.count()).select_from(Dispute)) or 0)


def test_an_application_is_registered_with_the_committee_and_tracked(app: Any, session: Session) -> None:
    registry(app)
    community = wangjing_communities(session, 1)[0]
    address = _address(session, community)
    browser = _browser(app)
    before = _count(session)
    missing = browser.post("/portal/dispute", data={**_application(address), "phone": ""})
    assert missing.status_code == 422 and "请填写手机号码" in missing.text and "郑小燕" in missing.text
    bad_id = browser.post("/portal/dispute", data={**_application(address), "id_number": "123"})
    assert bad_id.status_code == 422 and "身份证号格式不正确" in bad_id.text
    vague = browser.post("/portal/dispute", data={**_application(address), "address": "我家楼下的小花园"})
    assert vague.status_code == 422 and "未能识别地址所在的街道" in vague.text and "郑小燕" in vague.text
    elsewhere = browser.post(
        "/portal/dispute", data={**_application(address), "address": "上海市黄浦区南京东路1号"}
    )
    assert elsewhere.status_code == 422 and "地址不在本市范围内" in elsewhere.text
    bad_kind = browser.post("/portal/dispute", data={**_application(address), "kind": "war"})
    assert bad_kind.status_code == 422 and "纠纷类型" in bad_kind.text
    assert _count(session) == before

    done = browser.post("/portal/dispute", data=_application(address))
    assert done.status_code == 201, done.text[:500]
    found = re.search(r'data-testid="tracking-code">([A-Z0-9]+)<', done.text)
    assert found is not None
    code = found.group(1)
    # In the register of 望京's people's committee, parties sealed at rest.
    worker = client(app, "worker")
    dispute = worker.get(f"/api/mediation/disputes/{code}").json()
    assert dispute["source"] == "citizen" and dispute["committee"] == "望京街道人民调解委员会"
    assert dispute["division_code"] == community and dispute["state"] == "registered"
    assert [p["name"] for p in dispute["parties"]] == ["郑小燕", "冯大力"]
    session.expire_all()
    sealed = session.scalars(select(DisputeParty.name_enc).join(Dispute).where(Dispute.code == code)).all()
    assert sealed and all(s and "郑小燕" not in s and "冯大力" not in s for s in sealed)
    assert client(app, "other_worker").get(f"/api/mediation/disputes/{code}").status_code == 404

    tracked = browser.get("/portal/dispute/track", params={"code": code, "phone_tail": "7788"})
    assert (
        tracked.status_code == 200 and "待分流" in tracked.text and "望京街道人民调解委员会" in tracked.text
    )
    assert "郑小燕" not in tracked.text and "13600007788" not in tracked.text and "冯大力" not in tracked.text
    wrong = browser.get("/portal/dispute/track", params={"code": code, "phone_tail": "1111"})
    assert wrong.status_code == 404 and "未找到该调解申请" in wrong.text
    malformed = browser.get("/portal/dispute/track", params={"code": code, "phone_tail": "ab"})
    assert malformed.status_code == 422
    statuses = [
        browser.get("/portal/dispute/track", params={"code": code, "phone_tail": "2222"}).status_code
        for _ in range(WRONG_TAILS.count)
    ]
    assert statuses[-1] == 429  # guessing the tail is stopped, even with the right tail after
    assert (
        browser.get("/portal/dispute/track", params={"code": code, "phone_tail": "7788"}).status_code == 429
    )
