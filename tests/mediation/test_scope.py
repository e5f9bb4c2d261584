"""Scope: a street reads its own disputes, a district its streets'; another street reads nothing and
acts on nothing (404 without saying whether the dispute exists). Parties are encrypted at rest, shown
in full to the mediating staff and masked for supervisors, every showing audited; the 调解协议书 PDF
names them the same way."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mediation.accounts import AGREEMENT, SESSION, client, register, registry, step
from support.pdf_text import pdf_lines
from zhili.audit.models import AuditEntry
from zhili.mediation.models import DisputeParty


def test_another_street_reads_nothing_and_acts_on_nothing(app: Any) -> None:
    registry(app)
    worker = client(app, "worker")
    code = register(worker)["code"]
    for name in ("other_worker", "other_street", "dept"):
        outsider = client(app, name)
        missing = outsider.get(f"/api/mediation/disputes/{code}")
        assert missing.status_code == 404, name
        assert "不存在或不在您的查看范围内" in missing.json()["error"]["message"]
        assert outsider.get("/api/mediation/disputes").json() == [], name
        assert outsider.get(f"/api/mediation/disputes/{code}/agreement.pdf").status_code == 404, name
        assert outsider.get("/api/mediation/figures").json() == [], name
        step(outsider, code, "route", expect=404)
    unknown = client(app, "other_worker").get("/api/mediation/disputes/TJ20990101999999")
    assert unknown.json()["error"]["message"] == missing.json()["error"]["message"].replace(
        code, "TJ20990101999999"
    )
    # Neither a grid worker nor an operator may read or act; a supervisor reads but does not act.
    assert client(app, "grid").get("/api/mediation/disputes").status_code == 403
    assert client(app, "operator").get(f"/api/mediation/disputes/{code}").status_code == 403
    step(client(app, "leader"), code, "route", expect=403)
    # The street and the district read it; the admin alone keeps the registry.
    assert client(app, "street").get(f"/api/mediation/disputes/{code}").status_code == 200
    assert [d["code"] for d in client(app, "district").get("/api/mediation/disputes").json()] == [code]
    refused = worker.post(
        "/api/mediation/committees",
        json={"name": "某调委会", "track": "people", "division_code": "110105026"},
    )
    assert refused.status_code == 403


def test_parties_are_sealed_masked_audited_and_named_in_the_pdf(app: Any, session: Session) -> None:
    registry(app)
    worker = client(app, "worker")
    code = register(worker)["code"]
    stored = session.scalars(select(DisputeParty).order_by(DisputeParty.position)).all()
    # The whole phone number, not a piece of it: a ciphertext holds "139" now and then by chance.
    assert stored and all(
        "周一鸣" not in (p.name_enc or "") and "13911112222" not in (p.phone_enc or "") for p in stored
    )
    full = worker.get(f"/api/mediation/disputes/{code}").json()["parties"]
    assert full[0]["name"] == "周一鸣" and full[0]["shown"] == "full"
    masked = client(app, "leader").get(f"/api/mediation/disputes/{code}")
    assert masked.status_code == 200
    parties = masked.json()["parties"]
    assert (
        parties[0]["shown"] == "masked"
        and parties[0]["name"] != "周一鸣"
        and parties[0]["name"].startswith("周")
    )
    assert "13911112222" not in masked.text and "110105198501011234" not in masked.text
    shown = session.scalars(
        select(AuditEntry.detail).where(
            AuditEntry.action == "mediation.parties.read", AuditEntry.target_id == code
        )
    ).all()
    assert len(shown) == 2

    step(worker, code, "route")
    step(worker, code, "session", **SESSION)
    step(worker, code, "succeed", **AGREEMENT)
    clear = worker.get(f"/api/mediation/disputes/{code}/agreement.pdf")
    assert clear.status_code == 200 and clear.headers["content-type"] == "application/pdf"
    assert clear.content.startswith(b"%PDF-") and clear.content.rstrip().endswith(b"%%EOF")
    assert _text(clear.content) >= {"周一鸣", "吴二亮", "13911112222"}
    hidden = client(app, "leader").get(f"/api/mediation/disputes/{code}/agreement.pdf")
    assert hidden.status_code == 200
    names = _text(hidden.content)
    assert "周一鸣" not in names and "13911112222" not in names and any(n.startswith("周") for n in names)


def _text(pdf: bytes) -> set[str]:
    """The words drawn in the PDF (each line split at punctuation and spaces)."""
    return {w for line in pdf_lines(pdf) for w in re.split(r"[：:（）()\s　]+", line) if w}


def test_another_streets_demands_are_unknown_to_a_registrar(app: Any) -> None:
    from support.cases import intake

    wangjing_case = intake(client(app, "operator"))
    other = client(app, "other_worker")
    body = {
        "kind": "neighbour",
        "source": "hotline",
        "title": "邻里纠纷",
        "facts": "两户邻居互相投诉。",
        "case_codes": [wangjing_case],
        "parties": [{"name": "甲某"}, {"name": "乙某"}],
    }
    refused = other.post("/api/mediation/disputes", json=body)
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == "case_codes" and error["message"] == f"诉求编号 {wangjing_case} 不存在"
    assert "110105026" not in refused.text
