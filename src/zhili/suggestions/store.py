"""The 民生诉求数据库 gains the suggestions: the whole table rewritten into the analytical store
(``suggestions/month=YYYY-MM``), a few thousand rows a year. Personal data never enters: no code, no
name, no phone; title and content are scrubbed as the cases' are (the suggester's own name and phone
given to the scrubber as known values)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session, aliased

from zhili.analytics.scrubbing import scrub
from zhili.analytics.store import Store
from zhili.analytics.store_schema import SUGGESTION_SCHEMA, SUGGESTIONS
from zhili.kernel.clock import as_aware
from zhili.kernel.crypto import PersonalDataCipher
from zhili.suggestions.models import Suggestion, SuggestionCampaign
from zhili.suggestions.states import ADOPTED_STATES, SuggestionSource
from zhili.units.models import Unit


def _rows(session: Session, cipher: PersonalDataCipher, tz: Any) -> dict[str, list[dict[str, Any]]]:
    campaign_unit = aliased(Unit)
    forwarded_unit = aliased(Unit)
    statement = (
        session.query(Suggestion, SuggestionCampaign.title, campaign_unit.name, forwarded_unit.name)
        .outerjoin(SuggestionCampaign, SuggestionCampaign.id == Suggestion.campaign_id)
        .outerjoin(campaign_unit, campaign_unit.id == SuggestionCampaign.unit_id)
        .outerjoin(forwarded_unit, forwarded_unit.id == Suggestion.department_unit_id)
        .order_by(Suggestion.id)
    )
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for s, campaign, campaign_department, forwarded_department in statement.yield_per(2000):
        known = (cipher.decrypt(s.name_enc), cipher.decrypt(s.phone_enc))
        received = as_aware(s.received_at)
        by_month[received.astimezone(tz).strftime("%Y-%m")].append(
            {
                "suggestion_id": s.id,
                "received_at": received,
                "source": s.source.value,
                "state": s.state.value,
                "district": s.division_code[:6] if len(s.division_code) >= 6 else None,
                "division_code": s.division_code,
                "campaign": campaign,
                "department": campaign_department or forwarded_department,
                "decided_month": s.decided_month,
                "adopted": s.state in ADOPTED_STATES,
                "has_result": bool(s.result),
                "excellent_year": s.excellent_year,
                "from_hotline": s.source == SuggestionSource.hotline,
                "title": scrub(s.title, known),
                "content": scrub(s.content, known),
            }
        )
    return by_month


def rewrite(session: Session, store: Store, cipher: PersonalDataCipher, tz: Any) -> int:
    """Replace the store's suggestions table with the database's, the store's lock already held (each
    ``zhili analytics sync`` calls this); returns the rows written."""
    by_month = _rows(session, cipher, tz)
    for old in store.files(SUGGESTIONS):
        old.unlink()
    for month, rows in sorted(by_month.items()):
        store.write(SUGGESTIONS, month, pa.Table.from_pylist(rows, schema=SUGGESTION_SCHEMA))
    return sum(len(rows) for rows in by_month.values())


def write_store(session: Session, store: Store, cipher: PersonalDataCipher, tz: Any) -> int:
    """``zhili suggestions store``: the same rewrite on its own, taking the store's lock."""
    with store.writing():
        return rewrite(session, store, cipher, tz)
