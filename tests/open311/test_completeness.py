"""Open311 completeness (issue 16, failures 3, 9, 18, 20): media, the token in the body, 110000,
every error in the specification's format, confidential tokens, CORS and well-formed XML."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from open311.conftest import BASE, FORM, assert_errors, counts, parse, post
from zhili.app import create_app
from zhili.cases.models import Attachment, Case
from zhili.open311 import repository
from zhili.open311.formats import to_xml
from zhili.settings import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_media_is_stored_and_served_as_media_url(client: TestClient, session: Session, api_key: str) -> None:
    """3: a multipart ``media`` photo was answered 200 and thrown away."""
    form = {k: v for k, v in FORM.items() if k != "media_url"}
    response = client.post(
        f"{BASE}/requests.json",
        data={**form, "api_key": api_key},
        files={"media": ("p.png", PNG, "image/png")},
    )
    assert response.status_code == 200, response.text
    code = response.json()[0]["service_request_id"]
    stored = session.execute(select(Attachment).join(Case).where(Case.code == code)).scalar_one()
    assert stored.content_type == "image/png" and stored.uploaded_by == "o311_app"
    [found] = parse(client.get(f"{BASE}/requests/{code}.xml"), "xml")
    url = found["media_url"]
    assert url == f"http://127.0.0.1:8000{BASE}/media/{code}/{stored.id}"
    photo = client.get(url.removeprefix("http://127.0.0.1:8000"))
    assert photo.status_code == 200 and photo.content == PNG
    # Not an image, or another request's photo: refused, nothing written.
    before = counts(session)
    bad = client.post(
        f"{BASE}/requests.xml",
        data={**form, "api_key": api_key},
        files={"media": ("x.png", b"MZ", "image/png")},
    )
    assert_errors(bad, "xml", 400, "media")
    assert counts(session) == before
    assert_errors(client.get(f"{BASE}/media/BJ20000101000001/{stored.id}"), "xml", 404, "media")


def test_token_in_body_and_confidential_tokens(client: TestClient, api_key: str) -> None:
    """9: a confidential request answered 404 by id, yet ``tokens/{token}`` still gave its id."""
    created = post(client, "json", {**FORM, "api_key": api_key}).json()[0]
    [found] = client.get(f"{BASE}/tokens/{created['token']}.json").json()
    assert found["service_request_id"] == created["service_request_id"]
    secret = post(client, "json", {**FORM, "api_key": api_key, "attribute[confidential]": "true"})
    token = secret.json()[0]["token"]
    assert token == secret.headers["X-Open311-Token"]
    code = secret.json()[0]["service_request_id"]
    assert_errors(client.get(f"{BASE}/requests/{code}.json"), "json", 404)
    assert_errors(client.get(f"{BASE}/tokens/{token}.json"), "json", 404, "token")
    # An app's key reads what the public reads: a confidential request never shows through Open311.
    with_key = client.get(f"{BASE}/tokens/{token}.json", params={"api_key": api_key})
    assert_errors(with_key, "json", 404, "token")


def test_jurisdiction_110000_is_this_city(client: TestClient, session: Session, api_key: str) -> None:
    assert client.get(f"{BASE}/services.json", params={"jurisdiction_id": "110000"}).status_code == 200
    filed = post(client, "xml", {**FORM, "api_key": api_key, "jurisdiction_id": "110000"})
    assert filed.status_code == 200, filed.text
    assert_errors(client.get(f"{BASE}/services.xml", params={"jurisdiction_id": "120000"}), "xml", 404)


def test_every_error_is_in_the_specifications_format(
    app: Any, client: TestClient, session: Session, api_key: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20: an over-large field, a bad multipart body, 405s and 500s were HTML pages."""
    before = counts(session)
    assert_errors(client.put(f"{BASE}/requests.json"), "json", 405)
    assert_errors(client.delete(f"{BASE}/requests.xml"), "xml", 405)
    huge = {"description": (None, b"x" * (1024 * 1024 + 10)), "api_key": (None, api_key.encode())}
    assert_errors(client.post(f"{BASE}/requests.xml", files=huge), "xml", 400)
    broken = {"content-type": "multipart/form-data"}  # no boundary
    assert_errors(client.post(f"{BASE}/requests.json", content=b"--x\r\n", headers=broken), "json", 400)
    assert counts(session) == before

    def fail(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(repository, "find_requests", fail)
    crashed = TestClient(app, raise_server_exceptions=False).get(f"{BASE}/requests.xml")
    errors = assert_errors(crashed, "xml", 500)
    assert "boom" not in str(errors)


def test_cors_is_off_by_default_and_for_open311_only(settings: Settings, db: Any) -> None:
    preflight = {"Origin": "https://app.example.cn", "Access-Control-Request-Method": "POST"}
    off = TestClient(create_app(settings, database=db))
    assert (
        "access-control-allow-origin" not in off.options(f"{BASE}/requests.json", headers=preflight).headers
    )
    on = TestClient(
        create_app(
            settings.model_copy(update={"open311_cors_origins": ["https://app.example.cn"]}), database=db
        )
    )
    answer = on.options(f"{BASE}/requests.json", headers=preflight)
    assert answer.headers["access-control-allow-origin"] == "https://app.example.cn"
    read = on.get(f"{BASE}/services.json", headers={"Origin": "https://app.example.cn"})
    assert read.headers["access-control-allow-origin"] == "https://app.example.cn"
    assert (
        "access-control-allow-origin"
        not in on.get("/healthz", headers={"Origin": "https://app.example.cn"}).headers
    )
    assert Settings(
        open311_cors_origins="https://a.example.cn, https://b.example.cn/"
    ).open311_cors_origins == [
        "https://a.example.cn",
        "https://b.example.cn",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_xml_is_well_formed_for_any_text(text: str) -> None:
    """18: whatever text was stored, every Open311 answer parses as XML."""
    document = to_xml("service_requests", [{"description": text, "notes": [{"description": text}]}])
    root = ET.fromstring(document)
    assert root[0].find("description") is not None


def test_stored_control_characters_never_reach_the_xml(
    client: TestClient, session: Session, api_key: str
) -> None:
    """18: a description stored raw (before input was checked) made ``requests.xml`` unreadable to
    all three client libraries; it is now written with U+FFFD in their place."""
    code = post(client, "json", {**FORM, "api_key": api_key}).json()[0]["service_request_id"]
    session.execute(update(Case).where(Case.code == code).values(description="油烟\x01扰民\x1b[31m"))
    session.flush()
    root = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    descriptions = [r.findtext("description") for r in root]
    assert "油烟\ufffd扰民\ufffd[31m" in descriptions
