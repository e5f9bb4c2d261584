"""Social organisations and street hubs through the API: registered with their type, listed within the
actor's jurisdiction and by division, one name per organisation."""

from __future__ import annotations

from typing import Any

from community.answers import shaped
from community.governance_accounts import JIUXIANQIAO_STREET, WANGJING_STREET, client
from zhili.community.organisations.schemas import SocialOrgOut, StreetHubOut


def test_organisations_and_hubs(app: Any) -> None:
    worker = client(app, "worker")
    registered = worker.post(
        "/api/community/orgs",
        json={
            "name": "望京邻里互助会",
            "org_type": "community",
            "street_code": WANGJING_STREET,
            "registered_on": "2023-05-04",
        },
    )
    org = shaped(registered, SocialOrgOut, 201)
    assert (org["org_type"], org["org_type_label"]) == ("community", "社区类")
    assert (org["street_code"], org["registered_on"]) == (WANGJING_STREET, "2023-05-04")
    unregistered = worker.post(
        "/api/community/orgs",
        json={"name": "望京商会", "org_type": "trade", "street_code": WANGJING_STREET},
    )
    assert shaped(unregistered, SocialOrgOut, 201)["registered_on"] is None
    same_name = worker.post(
        "/api/community/orgs",
        json={"name": "望京商会", "org_type": "other", "street_code": WANGJING_STREET},
    )
    assert same_name.status_code == 409

    listed = shaped(
        worker.get("/api/community/orgs", params={"division": WANGJING_STREET}), list[SocialOrgOut]
    )
    assert [o["name"] for o in listed] == ["望京邻里互助会", "望京商会"]
    assert (
        shaped(worker.get("/api/community/orgs", params={"division": JIUXIANQIAO_STREET}), list[SocialOrgOut])
        == []
    )

    hub = shaped(
        worker.post(
            "/api/community/hubs",
            json={"kind": "incubation", "street_code": WANGJING_STREET, "name": "望京社会组织孵化中心"},
        ),
        StreetHubOut,
        201,
    )
    assert (hub["kind"], hub["kind_label"]) == ("incubation", "社会组织孵化服务机构")
    hubs = shaped(worker.get("/api/community/hubs"), list[StreetHubOut])
    assert [h["id"] for h in hubs] == [hub["id"]]
    # Another street's staff see neither the organisations nor the hub.
    other = client(app, "other_worker")
    assert shaped(other.get("/api/community/orgs"), list[SocialOrgOut]) == []
    assert shaped(other.get("/api/community/hubs"), list[StreetHubOut]) == []
