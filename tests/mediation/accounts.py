"""Actors and fixtures for mediation tests: the governance accounts (community workers of 望京 and
酒仙桥, a grid worker, a supervisor, an admin) and the desk accounts (street and district staff),
plus a registry of committees and mediators set up over HTTP by the admin."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from community.governance_accounts import client as governance_client
from petitions.accounts import client as petition_client
from support.cases import client_for

WANGJING = "110105026"
GOVERNANCE = {"worker", "other_worker", "grid", "grid_jxq", "leader", "admin", "operator"}


def client(app: Any, name: str) -> TestClient:
    """``worker``/``other_worker``: community workers of 望京/酒仙桥; ``street``/``other_street``: their
    street staff; ``district``: staff of 朝阳区人民政府 (the district's scope); ``dept``: a district
    department (朝阳区城管委, which reads only what is assigned to it); ``grid``, ``leader``, ``admin``."""
    # Every set of accounts is committed before any test writes (SQLite allows one writer).
    governance = governance_client(app, "admin" if name not in GOVERNANCE else name)
    district = petition_client(app, "review_body")
    if name in GOVERNANCE:
        return governance
    if name == "district":
        return district
    return client_for(app, name)


def post(c: TestClient, path: str, expect: int = 201, **body: Any) -> dict[str, Any]:
    response = c.post(f"/api/mediation{path}", json=body)
    assert response.status_code == expect, f"{path}: {response.status_code} {response.text}"
    return dict(response.json())


def registry(app: Any) -> dict[str, Any]:
    """望京街道人民调解委员会 with two neighbour-dispute mediators (and one for labour), the court's
    诉调对接 centre and the district's labour mediation centre."""
    admin = client(app, "admin")
    people = post(admin, "/committees", name="望京街道人民调解委员会", track="people", division_code=WANGJING)
    court = post(
        admin, "/committees", name="朝阳区人民法院诉调对接中心", track="judicial", division_code="110105"
    )
    labour = post(
        admin, "/committees", name="朝阳区劳动争议调解中心", track="administrative", division_code="110105"
    )
    first = post(
        admin,
        "/mediators",
        committee_id=people["id"],
        name="赵调解",
        specialties=["neighbour"],
        area=WANGJING,
    )
    second = post(
        admin,
        "/mediators",
        committee_id=people["id"],
        name="钱调解",
        specialties=["neighbour", "family"],
        area=WANGJING,
    )
    judge = post(
        admin,
        "/mediators",
        committee_id=court["id"],
        name="孙特邀",
        specialties=["land_housing"],
        area="110105",
    )
    return {
        "people": people,
        "court": court,
        "labour": labour,
        "first": first,
        "second": second,
        "judge": judge,
    }


PARTIES = [
    {"role": "申请人", "name": "周一鸣", "phone": "13911112222", "id_number": "110105198501011234"},
    {"role": "被申请人", "name": "吴二亮", "phone": "13933334444"},
]

NEIGHBOURS = {
    "kind": "neighbour",
    "source": "committee",
    "title": "楼上漏水致楼下墙面受损",
    "facts": "望京西园三区楼上住户卫生间漏水，楼下住户墙面发霉，双方就维修和赔偿协商未果。",
    "division_code": WANGJING,
    "parties": PARTIES,
}


def register(c: TestClient, expect: int = 201, **overrides: Any) -> dict[str, Any]:
    return post(c, "/disputes", expect=expect, **{**NEIGHBOURS, **overrides})


def step(c: TestClient, code: str, action: str, expect: int = 200, **body: Any) -> dict[str, Any]:
    return post(c, f"/disputes/{code}/{action}", expect=expect, **body)


SESSION = {
    "place": "望京街道调解室",
    "attendees": [1, 2],
    "notes": "双方陈述事实，同意委托第三方检测漏水原因。",
}
AGREEMENT = {
    "terms": "一、楼上住户十日内修复卫生间防水；二、楼上住户赔偿楼下住户墙面修复费用人民币三千元。",
    "performance_due": "2099-12-31",
    "performance_method": "一次性转账支付，防水修复由物业监督",
}
