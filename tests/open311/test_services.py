"""Discovery, the service list and service definitions, in XML and JSON, with their errors."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from open311.conftest import BASE, FORMATS, assert_errors, parse


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_lists_the_endpoint_and_both_formats(client: TestClient, fmt: str) -> None:
    response = client.get(f"{BASE}/discovery.{fmt}")
    assert response.status_code == 200
    data = parse(response, fmt)
    assert set(data) == {"changeset", "contact", "key_service", "endpoints"}
    assert "zhili users issue-key" in data["key_service"]
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://127.0.0.1:8000/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert endpoint["type"] == "test"


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_come_from_the_taxonomy(client: TestClient, fmt: str) -> None:
    response = client.get(f"{BASE}/services.{fmt}")
    assert response.status_code == 200
    services = {s["service_code"]: s for s in parse(response, fmt)}
    oil_smoke = services["020101"]
    assert oil_smoke["service_name"] == "餐饮油烟"
    assert oil_smoke["group"] == "环境保护"
    assert oil_smoke["description"] == "环境保护 / 大气污染 / 餐饮油烟"
    assert oil_smoke["keywords"] == "油烟, 饭店, 烧烤, 排烟"
    assert str(oil_smoke["metadata"]).lower() == "true"
    assert oil_smoke["type"] == "realtime"
    assert "02" not in services  # level-1 categories are groups, not services
    assert "0202" in services


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_has_typed_attributes(client: TestClient, fmt: str) -> None:
    response = client.get(f"{BASE}/services/020201.{fmt}")
    assert response.status_code == 200
    data = parse(response, fmt)
    assert data["service_code"] == "020201"
    attributes = {a["code"]: a for a in data["attributes"]}
    demand = attributes["demand_type"]
    assert demand["datatype"] == "singlevaluelist"
    assert str(demand["required"]).lower() == "true"
    assert str(demand["order"]) == "1"
    assert demand["description"] == "诉求类型"
    assert {"key": "complaint", "name": "投诉"} in demand["values"]
    urgency = attributes["urgency"]
    assert str(urgency["required"]).lower() == "false"
    assert [v["key"] for v in urgency["values"]] == ["ordinary", "urgent", "emergency"]
    assert attributes["title"]["datatype"] == "string"
    assert str(attributes["privacy_notice"]["variable"]).lower() == "false"
    orders = [int(a["order"]) for a in data["attributes"]]
    assert orders == sorted(set(orders))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["999999", "02", "abc"])
def test_unknown_service_is_404(client: TestClient, fmt: str, code: str) -> None:
    assert_errors(client.get(f"{BASE}/services/{code}.{fmt}"), fmt, 404, "service_code", code)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "path", ["services", "services/020201", "requests", "discovery", "tokens/abc", "requests/BJ1"]
)
def test_unknown_jurisdiction_is_refused(client: TestClient, fmt: str, path: str) -> None:
    if path == "discovery":
        # Discovery describes the provider; it takes no jurisdiction.
        assert client.get(f"{BASE}/{path}.{fmt}", params={"jurisdiction_id": "sfgov.org"}).status_code == 200
        return
    response = client.get(f"{BASE}/{path}.{fmt}", params={"jurisdiction_id": "sfgov.org"})
    assert_errors(response, fmt, 404, "jurisdiction_id", "sfgov.org")


@pytest.mark.parametrize("jurisdiction", ["", "11", "127.0.0.1", "127.0.0.1:8000"])
def test_known_jurisdictions_are_accepted(client: TestClient, jurisdiction: str) -> None:
    response = client.get(f"{BASE}/services.json", params={"jurisdiction_id": jurisdiction})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("path", ["services.csv", "services/020201.html", "requests.yaml"])
def test_unknown_format_is_400_in_xml(client: TestClient, path: str) -> None:
    assert_errors(client.get(f"{BASE}/{path}"), "xml", 400, "xml", "json")


@pytest.mark.parametrize(("path", "fmt"), [("nothing.json", "json"), ("services", "xml"), ("", "xml")])
def test_unknown_route_is_404_in_the_errors_shape(client: TestClient, path: str, fmt: str) -> None:
    assert_errors(client.get(f"{BASE}/{path}"), fmt, 404)


def test_base_path_is_configurable(settings: Any, db: Any) -> None:
    from zhili.app import create_app

    app = create_app(settings.model_copy(update={"open311_base_path": "/georeport/v2"}), database=db)
    with TestClient(app) as client:
        assert client.get("/georeport/v2/services.json").status_code == 200
        assert client.get("/open311/v2/services.json").status_code == 404
        discovery = client.get("/georeport/v2/discovery.json").json()
        assert discovery["endpoints"][0]["url"].endswith("/georeport/v2")
        # Open311 authenticates by api_key, so CSRF does not apply under the configured path either.
        response = client.post("/georeport/v2/requests.json", data={"service_code": "020201"})
        assert_errors(response, "json", 403, "api_key")
