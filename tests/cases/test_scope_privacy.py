"""Reads are scoped, and personal data is encrypted at rest and masked by role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING, act, intake, staff

PHONE = CASE_BODY["citizen"]["phone"]
NAME = CASE_BODY["citizen"]["name"]
ID_NUMBER = CASE_BODY["citizen"]["id_number"]


def test_another_streets_case_is_a_404_like_a_missing_one(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    assert s.street.get(f"/api/cases/{code}").status_code == 200
    hidden = s.other_street.get(f"/api/cases/{code}")
    missing = s.other_street.get("/api/cases/BJ20000101999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    for action in ("sign", "report", "visit"):
        assert s.other_street.post(f"/api/cases/{code}/{action}", json={}).json() == missing.json()
    listed = s.other_street.get("/api/cases", params={"q": code}).json()
    assert listed["total"] == 0


def test_lists_are_scoped(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    assert code in {c["code"] for c in s.street.get("/api/cases", params={"page_size": 500}).json()["items"]}
    assert code not in {
        c["code"] for c in s.other_street.get("/api/cases", params={"page_size": 500}).json()["items"]
    }
    # A department sees only what it is assigned.
    assert s.dept.get("/api/cases", params={"q": code}).json()["total"] == 0
    act(s.dispatcher, code, "dispatch", lead_unit="D110105-urban_management")
    assert s.dept.get("/api/cases", params={"q": code}).json()["total"] == 1


def test_no_personal_data_in_plaintext_in_any_column(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    rows = session.execute(text("SELECT * FROM cases WHERE code = :code"), {"code": code}).mappings().all()
    assert rows
    values = " ".join(str(v) for row in rows for v in row.values())
    for secret in (PHONE, NAME, ID_NUMBER, PHONE[-8:]):
        assert secret not in values
    events = session.execute(text("SELECT note, data FROM case_events")).all()
    audit = session.execute(text("SELECT detail FROM audit_entries")).all()
    for secret in (PHONE, ID_NUMBER):
        assert secret not in str(events)
        assert secret not in str(audit)


def test_contact_shown_in_full_to_centre_masked_for_units(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    full = s.operator.get(f"/api/cases/{code}").json()["citizen"]
    assert full == {"name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "shown": "full"}
    masked = s.street.get(f"/api/cases/{code}").json()["citizen"]
    assert masked["phone"] == "138****1234"
    assert masked["name"] == "张*"
    assert masked["id_number"] == "110105********1234"
    assert masked["shown"] == "masked"
    assert PHONE not in s.street.get(f"/api/cases/{code}").text


def test_confidential_contact_is_hidden_from_units(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator, confidential=True)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    hidden = s.street.get(f"/api/cases/{code}").json()["citizen"]
    assert hidden == {"name": None, "phone": None, "id_number": None, "shown": "hidden"}
    assert s.operator.get(f"/api/cases/{code}").json()["citizen"]["phone"] == PHONE


def test_anonymous_and_citizens_cannot_read_cases(client: Any) -> None:
    assert client.get("/api/cases").status_code == 401
    assert client.post("/api/cases", json=CASE_BODY).status_code in (401, 403)


def test_list_filters_by_category_subtree(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)  # category 020201 (社会生活噪声)

    def codes(**params: str) -> set[str]:
        response = s.operator.get("/api/cases", params={"page_size": "500", **params})
        assert response.status_code == 200, response.text
        return {c["code"] for c in response.json()["items"]}

    assert code in codes(category="02")
    assert code in codes(category="0202")
    assert code not in codes(category="03")
    unknown = s.operator.get("/api/cases", params={"category": "999"})
    assert unknown.status_code == 422
    assert unknown.json()["error"]["field"] == "category"
