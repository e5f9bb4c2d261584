"""The community profiles page: base data against the service-space standard, social organisations by
type and the street hubs; a refused profile names its field, a second hub of a kind is a conflict."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from community.answers import shaped
from community.governance_accounts import client, wangjing_communities
from zhili.community.profiles.schemas import ProfileOut


def test_profiles_page(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    worker.put(
        f"/api/community/profiles/{community}",
        json={
            "population": 5000,
            "households": 2100,
            "service_space_m2": 300,
            "facilities": ["社区服务站", "养老驿站"],
        },
    )
    worker.post(
        "/api/community/orgs",
        json={"name": "望京志愿者协会", "org_type": "charity", "street_code": "110105026"},
    )
    worker.post(
        "/api/community/hubs",
        json={"kind": "federation", "street_code": "110105026", "name": "望京社会组织联合会"},
    )
    page = worker.get("/community/profiles")
    assert page.status_code == 200
    assert "✗ 未达标" in page.text and "社区服务站、养老驿站" in page.text
    assert "公益慈善类" in page.text and "望京社会组织联合会" in page.text
    negative = worker.put(
        f"/api/community/profiles/{community}",
        json={"population": -1, "households": 1, "service_space_m2": 1},
    )
    assert negative.status_code == 422 and negative.json()["error"]["field"] == "population"
    again = worker.post(
        "/api/community/hubs", json={"kind": "federation", "street_code": "110105026", "name": "x"}
    )
    assert again.status_code == 409
    assert worker.get(f"/api/community/profiles/{community}").json()["population"] == 5000
    profile = shaped(worker.get(f"/api/community/profiles/{community}"), ProfileOut)
    assert (profile["service_space_compliant"], profile["urban"]) == (False, True)
    assert profile["facilities"] == ["社区服务站", "养老驿站"]
