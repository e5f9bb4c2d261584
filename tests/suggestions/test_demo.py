"""The demo year of suggestions: campaigns and suggestions from every source, most decided, the 采纳率
near the assumed share, and the figures and the public list answer from it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from suggestions.accounts import LEADER, client
from zhili.cases.context import CaseContext
from zhili.demo.suggestions import MIN_SUGGESTIONS, generate_suggestions
from zhili.settings import Settings
from zhili.suggestions.models import Suggestion, SuggestionCampaign
from zhili.suggestions.states import ADOPTED_STATES, DECIDED_STATES


def test_a_demo_year_of_suggestions(app: Any, session: Session, settings: Settings) -> None:
    leader = client(app, LEADER)  # committed accounts first
    made = generate_suggestions(session, CaseContext.for_settings(settings), 2025, seed=3)
    assert made >= MIN_SUGGESTIONS
    assert generate_suggestions(session, CaseContext.for_settings(settings), 2025) == 0  # once only
    rows = session.execute(select(Suggestion)).scalars().all()
    assert len(session.execute(select(SuggestionCampaign)).scalars().all()) >= 4
    sources = Counter(s.source.value for s in rows)
    assert sources["portal"] > 0 and sources["campaign"] > 0
    decided = [s for s in rows if s.state in DECIDED_STATES]
    assert 0.7 < len(decided) / len(rows) <= 0.9
    rate = sum(s.state in ADOPTED_STATES for s in decided) / len(decided)
    assert 0.15 < rate < 0.45
    assert all(s.reason for s in decided) and all(s.name_enc and s.phone_enc for s in rows)
    figures = leader.get("/api/suggestions/figures").json()
    assert sum(r["decided"] for r in figures) > 0
