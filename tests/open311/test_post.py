"""POST requests: filed through the one intake service, channel Open311; bad input writes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from open311.conftest import FORM, FORMATS, PERSONAL, assert_errors, counts, issue_key, parse, post
from zhili.audit.models import AuditEntry
from zhili.auth.models import Role
from zhili.cases.models import Case, CaseEvent
from zhili.cases.privacy import open_contact
from zhili.cases.states import CaseState
from zhili.kernel.crypto import cipher_for
from zhili.open311.models import Open311Submission
from zhili.settings import Settings
from zhili.taxonomy.enums import Channel, DemandType, Urgency


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_creates_a_case_through_intake(
    client: TestClient, session: Session, settings: Settings, api_key: str, fmt: str
) -> None:
    response = post(client, fmt, {**FORM, "api_key": api_key, "attribute[urgency]": "紧急"})
    assert response.status_code == 200, response.text
    [created] = parse(response, fmt)
    assert set(created) == {"service_request_id", "token", "service_notice", "account_id"}
    assert created["account_id"] == "123456"
    assert "餐饮油烟" in created["service_notice"]
    code = created["service_request_id"]
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    assert case.channel == Channel.open311
    assert case.state == CaseState.received
    assert case.demand_type == DemandType.complaint
    assert case.urgency == Urgency.urgent
    assert case.created_by == "o311_app"
    assert case.street_code == "110105026"  # the location was resolved by intake
    assert case.title == FORM["description"][:30]
    # Personal data is encrypted at rest, as for every case.
    cipher = cipher_for(settings.data_key, settings.secret_key)
    contact = open_contact(case, cipher)
    assert (contact.name, contact.phone) == ("张三", "13812341234")
    assert "13812341234" not in (case.citizen_phone_enc or "")
    submission = session.execute(
        select(Open311Submission).where(Open311Submission.case_id == case.id)
    ).scalar_one()
    assert submission.media_url == FORM["media_url"]
    assert cipher.decrypt(submission.email_enc) == FORM["email"]
    assert cipher.decrypt(submission.device_id_enc) == "tt222111"
    for value in PERSONAL:
        assert value not in submission.attributes
    assert response.headers["X-Open311-Token"] == submission.token
    # The intake event and the audit entry carry no personal data.
    audit = session.execute(select(AuditEntry).where(AuditEntry.target_id == code)).scalars().all()
    events = session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id)).scalars().all()
    assert audit and events
    for text in [a.detail for a in audit] + [e.note or "" for e in events] + [e.data for e in events]:
        for value in PERSONAL:
            assert value not in str(text)


def test_post_with_address_only_or_address_id_only(
    client: TestClient, session: Session, api_key: str
) -> None:
    form = {k: v for k, v in FORM.items() if k not in ("lat", "long")}
    by_address = post(client, "json", {**form, "api_key": api_key})
    assert by_address.status_code == 200, by_address.text
    form.pop("address_string")
    by_id = post(client, "json", {**form, "api_key": api_key, "address_id": "110105026"})
    assert by_id.status_code == 200, by_id.text
    for response in (by_address, by_id):
        code = response.json()[0]["service_request_id"]
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        assert case.street_code == "110105026"


def test_api_key_may_come_as_query_parameter_or_header(client: TestClient, api_key: str) -> None:
    assert post(client, "json", FORM, api_key=api_key).status_code == 200
    assert (
        client.post("/open311/v2/requests.json", data=FORM, headers={"X-API-Key": api_key}).status_code == 200
    )


def test_description_and_name_defaults(client: TestClient, session: Session, api_key: str) -> None:
    form = {
        "service_code": "010402",
        "address_string": "北京市朝阳区望京街道",
        "attribute[demand_type]": "help",
    }
    response = post(client, "xml", {**form, "api_key": api_key, "first_name": "John", "last_name": "Smith"})
    assert response.status_code == 200, response.text
    code = parse(response, "xml")[0]["service_request_id"]
    case = session.execute(select(Case).where(Case.code == code)).scalar_one()
    assert case.description == "路灯照明" and case.title == "路灯照明"


BAD_INPUTS = [
    ({"service_code": ""}, 400, "service_code"),
    ({"service_code": "999999"}, 404, "service_code"),
    ({"lat": "", "long": "", "address_string": ""}, 400, "lat"),
    ({"long": ""}, 400, "long"),
    ({"lat": "north"}, 400, "lat"),
    ({"lat": "95"}, 400, "lat"),
    ({"lat": "31.23", "long": "121.47", "address_string": ""}, 400, "lat"),  # Shanghai: outside the city
    ({"attribute[demand_type]": ""}, 400, "attribute[demand_type]"),
    ({"attribute[demand_type]": "rant"}, 400, "attribute[demand_type]"),
    ({"attribute[urgency]": "asap"}, 400, "attribute[urgency]"),
    ({"attribute[confidential]": "maybe"}, 400, "attribute[confidential]"),
    ({"attribute[colour]": "red"}, 400, "attribute[colour]"),
    ({"attribute[demand_type][]": "help"}, 400, "attribute[demand_type]"),
    ({"attribute[title]": "标" * 201}, 400, "attribute[title]"),
    ({"email": "not-an-email"}, 400, "email"),
    ({"phone": "12345"}, 400, "phone"),
    ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
    ({"description": "长" * 4001}, 400, "description"),
    ({"device_id": "d" * 65}, 400, "device_id"),
    ({"address_id": "999999999", "lat": "", "long": "", "address_string": ""}, 400, "address_id"),
    ({"jurisdiction_id": "sfgov.org"}, 404, "jurisdiction_id"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("change", "status", "field"), BAD_INPUTS)
def test_bad_post_is_refused_and_writes_nothing(
    client: TestClient,
    session: Session,
    api_key: str,
    fmt: str,
    change: dict[str, str],
    status: int,
    field: str,
) -> None:
    before = counts(session)
    response = post(client, fmt, {**FORM, "api_key": api_key, **change})
    assert_errors(response, fmt, status, field)
    assert counts(session) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_or_with_a_wrong_api_key_is_403(
    client: TestClient, session: Session, api_key: str, fmt: str
) -> None:
    before = counts(session)
    assert_errors(post(client, fmt, FORM), fmt, 403, "api_key")
    assert_errors(post(client, fmt, {**FORM, "api_key": "zk_wrong"}), fmt, 403, "api_key")
    assert_errors(post(client, fmt, {**FORM, "api_key": ""}), fmt, 403, "api_key")
    assert counts(session) == before


def test_post_by_a_role_that_cannot_take_demands_is_403(client: TestClient, session: Session) -> None:
    key = issue_key(session, "o311_unit", Role.unit_staff, "S110105026")
    before = counts(session)
    assert_errors(post(client, "json", {**FORM, "api_key": key}), "json", 403, "api_key")
    assert counts(session) == before
