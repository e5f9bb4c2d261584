"""The suggester's name and phone: never in plaintext in a column of the table (nor in the steps or
the audit log), shown in full to the reviewer only, every showing audited; no route lists or ranks
suggesters."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from suggestions.accounts import ADMIN, DEPARTMENT, PHONE, REVIEWER, citizen, client, open_campaign, submit
from zhili.audit.models import AuditEntry

NAME = "孙八"
PERSON_PATHS = re.compile(r"suggesters|persons|people|citizens|export|rank", re.IGNORECASE)


def test_no_plaintext_name_or_phone_in_any_column(app: Any, session: Session) -> None:
    reviewer = client(app, REVIEWER)
    department = client(app, DEPARTMENT)
    campaign = open_campaign(department)
    code = submit(citizen(app), name=NAME, campaign=campaign["code"])["code"]
    reviewer.post(f"/api/suggestions/items/{code}/review", json={})
    session.expire_all()
    for table in ("suggestions", "suggestion_steps", "suggestion_campaigns", "audit_entries"):
        for row in session.execute(text(f"SELECT * FROM {table}")).mappings():
            flat = json.dumps({k: str(v) for k, v in row.items()}, ensure_ascii=False)
            assert NAME not in flat and PHONE not in flat and PHONE[-8:] not in flat, (table, flat[:200])

    full = reviewer.get(f"/api/suggestions/items/{code}").json()["suggester"]
    assert full == {"name": NAME, "phone": PHONE, "shown": "full"}
    masked = department.get(f"/api/suggestions/items/{code}").json()["suggester"]
    assert masked["shown"] == "masked" and NAME not in str(masked) and PHONE not in str(masked)
    admin = client(app, ADMIN).get(f"/api/suggestions/items/{code}").json()["suggester"]
    assert admin["shown"] == "masked"
    session.expire_all()
    shown = session.execute(
        select(AuditEntry.actor, AuditEntry.detail).where(
            AuditEntry.action == "suggestions.suggester.read", AuditEntry.target_id == code
        )
    ).all()
    assert {(actor, json.loads(detail)["shown"]) for actor, detail in shown} >= {
        ("xf_chaoyang", "full"),
        ("xf_cgw", "masked"),
        ("xf_admin", "masked"),
    }


def test_no_route_lists_suggesters(app: Any) -> None:
    spec = app.openapi()
    paths = [p for p in spec["paths"] if p.startswith("/api/suggestions")]
    assert len(paths) >= 8
    assert [p for p in paths if PERSON_PATHS.search(p)] == []
    for name in (
        "SuggestionSummaryOut",
        "ExcellentOut",
        "AdoptionFigureOut",
        "SuggestionTrackOut",
        "CampaignOut",
    ):
        properties = spec["components"]["schemas"][name]["properties"]
        assert not {"name", "phone", "suggester"} & set(properties), name
