"""GET requests, GET requests/{id} and GET tokens/{token}: filters, limits, scope and privacy."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from open311.conftest import BASE, FORM, FORMATS, PERSONAL, assert_errors, issue_key, parse, post
from support.cases import client_for, intake
from zhili.auth.models import Role
from zhili.cases.models import Case


def _file(client: TestClient, api_key: str, **change: str) -> str:
    response = post(client, "json", {**FORM, "api_key": api_key, **change})
    assert response.status_code == 200, response.text
    return str(response.json()[0]["service_request_id"])


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request_with_its_public_fields(client: TestClient, api_key: str, fmt: str) -> None:
    code = _file(client, api_key)
    response = client.get(f"{BASE}/requests/{code}.{fmt}")
    assert response.status_code == 200
    [request] = parse(response, fmt)
    assert list(request) == [
        "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
        "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
        "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
    ]  # fmt: skip
    assert request["service_request_id"] == code
    assert request["status"] == "open"
    assert request["status_notes"] == "您的诉求已受理"
    assert request["service_code"] == "020101" and request["service_name"] == "餐饮油烟"
    assert request["media_url"] == FORM["media_url"]
    assert float(request["lat"]) == pytest.approx(39.9966) and float(request["long"]) == pytest.approx(
        116.4706
    )
    requested = datetime.fromisoformat(request["requested_datetime"])
    assert requested.utcoffset() == timedelta(hours=8)
    assert request["expected_datetime"] in (None, "")  # no deadline before dispatch
    for value in PERSONAL:
        assert value not in response.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_request_is_404(client: TestClient, fmt: str) -> None:
    assert_errors(client.get(f"{BASE}/requests/BJ20000101999999.{fmt}"), fmt, 404, "BJ20000101999999")


@pytest.mark.parametrize("fmt", FORMATS)
def test_list_filters_by_id_service_and_status(client: TestClient, api_key: str, fmt: str) -> None:
    first = _file(client, api_key)
    second = _file(client, api_key, service_code="010402")
    both = parse(
        client.get(f"{BASE}/requests.{fmt}", params={"service_request_id": f"{first},{second}"}), fmt
    )
    assert {r["service_request_id"] for r in both} == {first, second}
    lamps = parse(client.get(f"{BASE}/requests.{fmt}", params={"service_code": "010402"}), fmt)
    assert second in {r["service_request_id"] for r in lamps}
    assert first not in {r["service_request_id"] for r in lamps}
    open_ = parse(client.get(f"{BASE}/requests.{fmt}", params={"status": "open"}), fmt)
    assert {first, second} <= {r["service_request_id"] for r in open_}
    closed = parse(client.get(f"{BASE}/requests.{fmt}", params={"status": "closed"}), fmt)
    assert not {first, second} & {r["service_request_id"] for r in closed}
    either = parse(client.get(f"{BASE}/requests.{fmt}", params={"status": "open,closed"}), fmt)
    assert {first, second} <= {r["service_request_id"] for r in either}


def test_default_window_is_the_last_90_days(client: TestClient, session: Session, api_key: str) -> None:
    old, recent = _file(client, api_key), _file(client, api_key)
    long_ago = datetime.now().astimezone() - timedelta(days=120)
    session.execute(update(Case).where(Case.code == old).values(received_at=long_ago, updated_at=long_ago))
    session.flush()
    codes = {r["service_request_id"] for r in client.get(f"{BASE}/requests.json").json()}
    assert recent in codes and old not in codes
    start = (long_ago - timedelta(days=1)).isoformat()
    window = client.get(f"{BASE}/requests.json", params={"start_date": start}).json()
    assert old in {r["service_request_id"] for r in window}
    # Naming the ids overrides the window.
    named = client.get(f"{BASE}/requests.json", params={"service_request_id": old}).json()
    assert [r["service_request_id"] for r in named] == [old]


def test_paging_and_updated_filters(client: TestClient, session: Session, api_key: str) -> None:
    codes = [_file(client, api_key) for _ in range(3)]
    page1 = client.get(f"{BASE}/requests.json", params={"page_size": 2, "page": 1}).json()
    page2 = client.get(f"{BASE}/requests.json", params={"page_size": 2, "page": 2}).json()
    assert len(page1) == 2
    seen = [r["service_request_id"] for r in page1 + page2]
    assert set(codes) <= set(seen) and len(seen) == len(set(seen))
    later = datetime.now().astimezone() + timedelta(days=1)
    session.execute(update(Case).where(Case.code == codes[0]).values(updated_at=later))
    session.flush()
    after = (later - timedelta(hours=1)).isoformat()
    updated = client.get(f"{BASE}/requests.json", params={"updated_after": after}).json()
    assert [r["service_request_id"] for r in updated] == [codes[0]]
    before = client.get(f"{BASE}/requests.json", params={"updated_before": after}).json()
    assert codes[0] not in {r["service_request_id"] for r in before}


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_zhili_state_unit_and_notes(client: TestClient, api_key: str, fmt: str) -> None:
    code = _file(client, api_key)
    plain = parse(client.get(f"{BASE}/requests/{code}.{fmt}"), fmt)[0]
    assert "extended_attributes" not in plain and "notes" not in plain
    [extended] = parse(client.get(f"{BASE}/requests/{code}.{fmt}", params={"extensions": "true"}), fmt)
    attrs = extended["extended_attributes"]
    assert attrs["zhili_state"] == "received" and attrs["zhili_state_label"] == "已受理"
    assert attrs["channel"] == "open311" and attrs["demand_type"] == "complaint"
    assert [n["type"] for n in extended["notes"]] == ["intake"]
    assert extended["notes"][0]["description"] == "您的诉求已受理"
    listed = parse(client.get(f"{BASE}/requests.{fmt}", params={"extensions": "true"}), fmt)
    assert all("extended_attributes" in r for r in listed)


BAD_QUERIES = [
    ({"status": "pending"}, 400, "status"),
    ({"start_date": "yesterday"}, 400, "start_date"),
    ({"end_date": "2010-13-01"}, 400, "end_date"),
    ({"updated_after": "soon"}, 400, "updated_after"),
    ({"start_date": "2010-01-01T00:00:00Z", "end_date": "2010-06-01T00:00:00Z"}, 400, "90"),
    ({"start_date": "2010-02-01T00:00:00Z", "end_date": "2010-01-01T00:00:00Z"}, 400, "start_date"),
    ({"updated_after": "2010-02-01", "updated_before": "2010-01-01"}, 400, "updated_after"),
    ({"page": "0"}, 400, "page"),
    ({"page_size": "1001"}, 400, "page_size"),
    ({"page_size": "ten"}, 400, "page_size"),
    ({"extensions": "yes"}, 400, "extensions"),
    ({"service_code": "999999"}, 404, "999999"),
    ({"api_key": "zk_wrong"}, 403, "api_key"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("params", "status", "word"), BAD_QUERIES)
def test_bad_queries_are_refused(
    client: TestClient, fmt: str, params: dict[str, str], status: int, word: str
) -> None:
    assert_errors(client.get(f"{BASE}/requests.{fmt}", params=params), fmt, status, word)


@pytest.mark.parametrize("fmt", FORMATS)
def test_wrong_api_key_on_one_request_is_403(client: TestClient, api_key: str, fmt: str) -> None:
    code = _file(client, api_key)
    response = client.get(f"{BASE}/requests/{code}.{fmt}", params={"api_key": "zk_wrong"})
    assert_errors(response, fmt, 403, "api_key")


@pytest.fixture
def operator(app: Any) -> TestClient:
    """Signed in before any key is issued: sign-in commits through its own connection."""
    return client_for(app, "operator")


def test_reads_are_scoped(operator: TestClient, client: TestClient, session: Session, api_key: str) -> None:
    """Anonymous readers and apps see Open311-filed, non-confidential requests; a staff key also sees
    the non-confidential cases of its owner's jurisdiction; a confidential case never shows."""
    by_phone = intake(operator)  # a phone case in 望京
    by_app = _file(client, api_key)
    confidential = _file(client, api_key, **{"attribute[confidential]": "true"})

    def seen(**auth: Any) -> set[str]:
        answer = client.get(f"{BASE}/requests.json", **auth).json()
        return {r["service_request_id"] for r in answer}

    anonymous = seen()
    assert by_app in anonymous
    assert by_phone not in anonymous and confidential not in anonymous
    assert client.get(f"{BASE}/requests/{by_phone}.json").status_code == 404
    # An app's key (api_client, even a city-wide one) reads what the public reads.
    assert seen(params={"api_key": api_key}) == anonymous
    assert client.get(f"{BASE}/requests/{by_phone}.json", params={"api_key": api_key}).status_code == 404
    # A staff key reads its jurisdiction too, never a confidential case.
    city_staff = issue_key(session, "o311_staff", Role.dispatcher, "C11")
    city = seen(headers={"X-API-Key": city_staff})
    assert {by_phone, by_app} <= city and confidential not in city
    other_street = issue_key(session, "o311_jxq", Role.unit_staff, "S110105011")
    assert by_phone not in seen(headers={"X-API-Key": other_street})
    mine = client.get(f"{BASE}/requests/{by_phone}.json", params={"api_key": city_staff})
    assert mine.status_code == 200
    for value in ("张三", "13812341234", "110105199001011234"):
        assert value not in mine.text
    tokens = client.get(f"{BASE}/requests/{confidential}.json", params={"api_key": city_staff})
    assert tokens.status_code == 404


def test_phone_and_id_numbers_in_descriptions_are_masked(client: TestClient, api_key: str) -> None:
    text = "联系我13812345678，身份证110105199001011234，门口油烟太大"
    code = _file(client, api_key, description=text)
    body = client.get(f"{BASE}/requests/{code}.json").text
    assert "13812345678" not in body and "110105199001011234" not in body
    assert "138****5678" in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_token_gives_the_request_id(client: TestClient, api_key: str, fmt: str) -> None:
    response = post(client, "json", {**FORM, "api_key": api_key})
    token = response.headers["X-Open311-Token"]
    [found] = parse(client.get(f"{BASE}/tokens/{token}.{fmt}"), fmt)
    assert found == {"service_request_id": response.json()[0]["service_request_id"], "token": token}
    assert_errors(client.get(f"{BASE}/tokens/not-a-token.{fmt}"), fmt, 404, "token")


def test_every_case_read_goes_through_the_scoped_statement(session: Session) -> None:
    """A reader's statement is the scoped repository's clause, or the public Open311 set."""
    from zhili.open311.repository import readable_requests

    sql = str(readable_requests(None).compile()).lower()
    assert "channel" in sql and "confidential" in sql
    assert session.execute(select(Case.id).limit(0)).all() == []
