"""Public JSON routes under /api/divisions."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_top_level_lists_the_cities(client: TestClient) -> None:
    response = client.get("/api/divisions")
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "11",
            "name": "北京市",
            "level": "city",
            "level_label": "市",
            "parent_code": None,
            "child_count": 16,
            "center": None,
        }
    ]


def test_children_of_the_city_and_of_a_street(client: TestClient) -> None:
    districts = client.get("/api/divisions", params={"parent": "11"}).json()
    assert len(districts) == 16
    chaoyang = next(item for item in districts if item["code"] == "110105")
    assert chaoyang["name"] == "朝阳区" and chaoyang["child_count"] == 43
    assert chaoyang["center"] is not None
    communities = client.get("/api/divisions", params={"parent": "110105026"}).json()
    assert {item["level"] for item in communities} == {"community"}
    assert all(item["parent_code"] == "110105026" for item in communities)


def test_unknown_parent_is_404(client: TestClient) -> None:
    response = client.get("/api/divisions", params={"parent": "999999"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_search_by_name(client: TestClient) -> None:
    found = client.get("/api/divisions", params={"q": "八里庄街道"}).json()
    assert {item["code"][:6] for item in found} == {"110105", "110108"}
    within = client.get("/api/divisions", params={"q": "八里庄街道", "parent": "110108"}).json()
    assert [item["code"][:6] for item in within] == ["110108"]


def test_one_division_with_its_ancestors(client: TestClient) -> None:
    body = client.get("/api/divisions/110105026051").json()
    assert body["name"] == "望京西园三区社区居委会"
    assert body["level"] == "community"
    assert [item["name"] for item in body["ancestors"]] == ["北京市", "朝阳区", "望京街道"]


def test_unknown_division_is_404(client: TestClient) -> None:
    response = client.get("/api/divisions/000000")
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "code"


def test_resolve_coordinates(client: TestClient) -> None:
    body = client.get("/api/divisions/resolve", params={"lat": 39.9087, "lng": 116.3975}).json()
    assert body["source"] == "coordinates"
    assert body["district"]["name"] == "东城区"
    assert body["cell"]
    assert 0 < body["confidence"] <= 1


def test_resolve_address(client: TestClient) -> None:
    body = client.get("/api/divisions/resolve", params={"address": "北京市朝阳区望京街道望京西园三区"}).json()
    assert (body["district"]["name"], body["street"]["name"]) == ("朝阳区", "望京街道")
    assert body["community"]["code"] == "110105026051"
    assert body["cell"] is None
    ambiguous = client.get("/api/divisions/resolve", params={"address": "八里庄街道"}).json()
    assert ambiguous["street"] is None
    assert {item["path"] for item in ambiguous["candidates"]} == {"朝阳区/八里庄街道", "海淀区/八里庄街道"}


def test_resolve_both(client: TestClient) -> None:
    params = {"lat": 39.9834, "lng": 116.3162, "address": "八里庄街道"}
    body = client.get("/api/divisions/resolve", params=params).json()
    assert body["source"] == "both"
    assert body["street"]["code"] == "110108005"


def test_resolve_outside_the_city_is_422(client: TestClient) -> None:
    response = client.get("/api/divisions/resolve", params={"lat": 31.2304, "lng": 121.4737})
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "validation_failed",
        "message": "坐标不在本市范围内",
        "field": "lat",
    }


def test_resolve_needs_something(client: TestClient) -> None:
    assert client.get("/api/divisions/resolve").status_code == 422
    assert client.get("/api/divisions/resolve", params={"lat": 39.9}).status_code == 422
    assert client.get("/api/divisions/resolve", params={"lat": 95, "lng": 116.4}).status_code == 422
