"""Scope: the office reads its jurisdiction, a body only the matters sent to it, a leader his 包案;
another district's office and everyone else read nothing. Petitioners are encrypted at rest, shown in
full to the office only, and every showing is audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from petitions.accounts import client, register, step, username
from zhili.audit.models import AuditEntry
from zhili.petitions.models import Petition


def test_another_districts_office_and_unrelated_staff_read_nothing(app: Any) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    step(office, code, "refer", unit="D110105-urban_management", mode="转送")
    for name in ("office_haidian", "other_body", "street", "other_leader", "leader"):
        outsider = client(app, name)
        assert outsider.get(f"/api/petitions/matters/{code}").status_code == 404, name
        assert outsider.get("/api/petitions/matters").json() == [], name
        assert outsider.get("/api/petitions/backlog", params={"min_age_days": 1}).json() == [], name
        step(outsider, code, "take", expect=403 if name.endswith("leader") else 404)
        assert outsider.get(f"/petitions/matters/{code}").status_code in (403, 404), name
    assert client(app, "office_haidian").get("/api/petitions/figures").json() == []
    assert client(app, "operator").get("/api/petitions/matters").status_code == 403
    assert client(app, "body").get(f"/api/petitions/matters/{code}").status_code == 200


def test_the_office_sees_petitioners_in_full_a_body_masked_and_every_read_is_audited(
    app: Any, session: Session
) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    step(office, code, "refer", unit="D110105-urban_management", mode="交办")
    full = office.get(f"/api/petitions/matters/{code}").json()["items"][0]["petitioner"]
    assert full == {
        "name": "李四",
        "phone": "13900001234",
        "id_number": "110105198001011234",
        "address": None,
        "shown": "full",
    }
    masked = client(app, "body").get(f"/api/petitions/matters/{code}").json()["items"][0]["petitioner"]
    assert masked["shown"] == "masked" and masked["name"] == "李*" and masked["phone"] == "139****1234"
    assert masked["id_number"] == "110105********1234"
    reads = session.scalars(select(AuditEntry).where(AuditEntry.action == "petitions.petitioner.read")).all()
    by_whom = {(r.actor, r.detail) for r in reads}
    assert any(actor == username("office") and '"full"' in detail for actor, detail in by_whom)
    assert any(actor == username("body") and '"masked"' in detail for actor, detail in by_whom)
    # At rest: ciphertext only, in every personal column.
    petition = session.execute(select(Petition).order_by(Petition.id.desc()).limit(1)).scalar_one()
    row = session.execute(
        text(
            "SELECT name_enc, phone_enc, id_number_enc, petitioner_digest, content"
            " FROM petitions WHERE id = :id"
        ),
        {"id": petition.id},
    ).one()
    for value in row[:4]:
        assert (
            value and "李四" not in value and "13900001234" not in value and "110105198001011234" not in value
        )
    assert "13900001234" not in row[4]


def test_a_leader_reads_the_matters_he_answers_for(app: Any) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    leader = client(app, "leader")
    assert leader.get(f"/api/petitions/matters/{code}").status_code == 404
    assigned = office.put(f"/api/petitions/matters/{code}/leader", json={"username": username("leader")})
    assert assigned.status_code == 200, assigned.text
    seen = leader.get(f"/api/petitions/matters/{code}")
    assert seen.status_code == 200 and seen.json()["items"][0]["petitioner"]["shown"] == "masked"
    assert [m["code"] for m in leader.get("/api/petitions/matters").json()] == [code]
    page = leader.get(f"/petitions/matters/{code}")
    assert page.status_code == 200 and "李*" in page.text and "data-action=" not in page.text
