"""Fixtures for Open311 tests: API keys for api_client accounts, and parsing of both formats."""

from __future__ import annotations

import json
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from support.accounts import issue_key
from zhili.auth.models import Role
from zhili.cases.models import Case
from zhili.open311.models import Open311Submission

BASE = "/open311/v2"
FORMATS = ("xml", "json")
# A point in 望京 (朝阳区), the fields an Open311 app sends.
FORM: dict[str, str] = {
    "service_code": "020101",
    "lat": "39.9966",
    "long": "116.4706",
    "address_string": "北京市朝阳区望京街道望京西园三区",
    "attribute[demand_type]": "complaint",
    "description": "小区门口烧烤店油烟很大，晚上十点后还在营业，影响居民休息。",
    "first_name": "三",
    "last_name": "张",
    "phone": "13812341234",
    "email": "zhangsan@example.com",
    "device_id": "tt222111",
    "account_id": "123456",
    "media_url": "http://example.com/photo.jpg",
}
PERSONAL = ("张三", "13812341234", "zhangsan@example.com", "tt222111")


@pytest.fixture
def api_key(session: Session) -> str:
    """A key of an api_client at the 12345 centre (city-wide)."""
    return issue_key(session, "o311_app", Role.api_client, "C11")


def parse(response: Any, fmt: str) -> Any:
    """The body as Python data: JSON as is, XML by the Spark convention (repeated -> list)."""
    if fmt == "json":
        assert response.headers["content-type"].startswith("application/json")
        return response.json()
    assert response.headers["content-type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return xml_data(ET.fromstring(response.content))


LIST_CONTAINERS = {
    "services",
    "service_requests",
    "errors",
    "attributes",
    "values",
    "endpoints",
    "formats",
    "notes",
}


def xml_data(element: ET.Element) -> Any:
    children = list(element)
    if element.tag in LIST_CONTAINERS:
        return [xml_data(child) for child in children]
    if not children:
        return element.text
    return {child.tag: xml_data(child) for child in children}


def assert_errors(response: Any, fmt: str, status: int, *words: str) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    errors = parse(response, fmt)
    assert isinstance(errors, list) and errors
    for error in errors:
        assert set(error) == {"code", "description"}
        assert str(error["code"]) == str(status)
    text = json.dumps(errors, ensure_ascii=False)
    for word in words:
        assert word in text, text
    return errors


def counts(session: Session) -> tuple[int, int]:
    cases = session.execute(select(func.count()).select_from(Case)).scalar_one()
    submissions = session.execute(select(func.count()).select_from(Open311Submission)).scalar_one()
    return int(cases), int(submissions)


def post(client: TestClient, fmt: str, form: dict[str, str], **params: str) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data=form, params=params)
