"""The element names and structure of the specification's published examples, on zhili's answers.

The GeoReport v2 page publishes one example per method; below, each is reduced to its structure
(root element, item element, and the item's children in the published order). The example POST is
sent with every parameter the published example request uses, with zhili values.
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from open311.conftest import BASE

# Published examples, reduced to (root, item, children of an item).
SERVICES = (
    "services",
    "service",
    ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"],
)
DEFINITION_ATTRIBUTE = [
    "variable", "code", "datatype", "required", "datatype_description", "order", "description", "values",
]  # fmt: skip
VALUE = ["key", "name"]
# The specification's POST answer, with the token it allows beside the id (zhili gives both).
POST_FIELDS = ["service_request_id", "token", "service_notice", "account_id"]
POST_RESPONSE = ("service_requests", "request", POST_FIELDS)
TOKEN_RESPONSE = ("service_requests", "request", ["service_request_id", "token"])
REQUESTS = (
    "service_requests",
    "request",
    [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
        "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
    ],
)  # fmt: skip
ERRORS = ("errors", "error", ["code", "description"])
DISCOVERY = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT = ["specification", "url", "changeset", "type", "formats"]

# The published example request's parameters, with zhili values in place of San Francisco's.
EXAMPLE_REQUEST = {
    "jurisdiction_id": "11",
    "service_code": "020101",
    "lat": "39.9966",
    "long": "116.4706",
    "address_string": "北京市朝阳区望京街道望京西园三区",
    "email": "smit333@example.com",
    "device_id": "tt222111",
    "account_id": "123456",
    "first_name": "john",
    "last_name": "smith",
    "phone": "13800000000",
    "description": "A large sinkhole is destroying the street",
    "media_url": "http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
    "attribute[demand_type]": "report",
    "attribute[urgency]": "urgent",
}


def _xml(response: Any) -> ET.Element:
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def _children(parent: ET.Element, tag: str) -> list[ET.Element]:
    found = parent.find(tag)
    assert found is not None, tag
    return list(found)


def _check_xml(root: ET.Element, shape: tuple[str, str, list[str]]) -> list[ET.Element]:
    name, item, children = shape
    assert root.tag == name
    items = list(root)
    assert items and all(i.tag == item for i in items)
    for element in items:
        assert [c.tag for c in element] == children
    return items


def _check_json(data: Any, shape: tuple[str, str, list[str]]) -> None:
    assert isinstance(data, list) and data
    for item in data:
        assert list(item) == shape[2]


def test_services_example(client: TestClient) -> None:
    _check_xml(_xml(client.get(f"{BASE}/services.xml")), SERVICES)
    _check_json(client.get(f"{BASE}/services.json").json(), SERVICES)


def test_service_definition_example(client: TestClient) -> None:
    root = _xml(client.get(f"{BASE}/services/020101.xml"))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    attributes = _children(root, "attributes")
    assert attributes and all(a.tag == "attribute" for a in attributes)
    assert [c.tag for c in attributes[0]] == DEFINITION_ATTRIBUTE
    values = _children(attributes[0], "values")
    assert values and all(v.tag == "value" and [c.tag for c in v] == VALUE for v in values)
    data = client.get(f"{BASE}/services/020101.json").json()
    assert list(data) == ["service_code", "attributes"]
    assert list(data["attributes"][0]) == DEFINITION_ATTRIBUTE
    assert data["attributes"][0]["variable"] is True and isinstance(data["attributes"][0]["order"], int)
    assert list(data["attributes"][0]["values"][0]) == VALUE


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_post_example_request_and_the_reads_after_it(client: TestClient, api_key: str, fmt: str) -> None:
    response = client.post(
        f"{BASE}/requests.{fmt}",
        data={"api_key": api_key, **EXAMPLE_REQUEST},
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    assert response.status_code == 200, response.text
    if fmt == "xml":
        [request] = _check_xml(_xml(response), POST_RESPONSE)
        code = request.findtext("service_request_id")
    else:
        _check_json(response.json(), POST_RESPONSE)
        code = response.json()[0]["service_request_id"]
    token = response.headers["X-Open311-Token"]
    for path in (f"requests/{code}", "requests"):
        _check_xml(_xml(client.get(f"{BASE}/{path}.xml")), REQUESTS)
        _check_json(client.get(f"{BASE}/{path}.json").json(), REQUESTS)
    _check_xml(_xml(client.get(f"{BASE}/tokens/{token}.xml")), TOKEN_RESPONSE)
    _check_json(client.get(f"{BASE}/tokens/{token}.json").json(), TOKEN_RESPONSE)
    one = client.get(f"{BASE}/requests/{code}.json").json()[0]
    assert isinstance(one["lat"], float) and isinstance(one["long"], float)


def test_errors_example(client: TestClient) -> None:
    xml = client.post(f"{BASE}/requests.xml", data={"api_key": "xyz", **EXAMPLE_REQUEST})
    assert xml.status_code == 403
    [error] = _check_xml(_xml(xml), ERRORS)
    assert error.findtext("code") == "403"
    data = client.post(f"{BASE}/requests.json", data={"api_key": "xyz", **EXAMPLE_REQUEST})
    assert data.status_code == 403
    _check_json(data.json(), ERRORS)
    assert data.json()[0]["code"] == 403


def test_discovery_example(client: TestClient) -> None:
    root = _xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery" and [c.tag for c in root] == DISCOVERY
    [endpoint] = _children(root, "endpoints")
    assert endpoint.tag == "endpoint" and [c.tag for c in endpoint] == ENDPOINT
    assert [f.tag for f in _children(endpoint, "formats")] == ["format", "format"]
    data = client.get(f"{BASE}/discovery.json").json()
    assert list(data) == DISCOVERY and list(data["endpoints"][0]) == ENDPOINT
