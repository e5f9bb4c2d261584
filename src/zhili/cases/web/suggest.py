"""Suggestions the workbenches show.

For a case, the dispatcher sees the recommendation ``zhili.triage`` stored at intake (categories, the
lead and co-units, the routing rules it matched, possible duplicates, whether it needs review). A case
without one (imported, or taken in before triage ran) gets the classifier's categories and a lead unit
by 属地 or by the category's default unit type, each with the reason it was chosen. While the operator
types, the intake page shows the classifier's categories, knowledge-base answers and earlier open cases
that look like the same matter (``zhili.triage.duplicates`` on the draft text and location).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.divisions.results import Location
from zhili.errors import ZhiliError
from zhili.knowledge import repository as knowledge_repository
from zhili.knowledge import search as knowledge_search
from zhili.knowledge.models import KnowledgeEntry
from zhili.taxonomy.models import Category
from zhili.triage import duplicates, routing
from zhili.triage.classified import classify
from zhili.triage.model_store import ActiveModel, active_model, models_root
from zhili.triage.models import Recommendation
from zhili.triage.service import returned_units
from zhili.units.models import Unit

MIN_QUERY = 4
# Below this a category guess is noise, not a suggestion.
MIN_PROBABILITY = 0.05


@dataclass(frozen=True)
class CategoryGuess:
    code: str
    name: str
    probability: float


@dataclass(frozen=True)
class UnitGuess:
    code: str
    name: str
    rule: str


def category_model(request: Request) -> ActiveModel:
    """The process-wide category model intake triage uses too; it follows the ``active`` pointer."""
    data_dir: Path = request.app.state.settings.data_dir
    return active_model(models_root(data_dir), "category")


def guess_categories(session: Session, model: ActiveModel, text: str, k: int = 3) -> list[CategoryGuess]:
    """The most specific categories (the classifier's first level, refined by the taxonomy's
    keywords, as at intake), shown with their codes."""
    if len(text.strip()) < MIN_QUERY:
        return []
    # Through triage's cache: submitting the same text reuses this classification at intake.
    types = active_model(model.root, "demand_type")
    guesses = classify(routing.snapshot_for(session), model, types, text).categories
    return [CategoryGuess(code, name, p) for name, code, p in guesses if p >= MIN_PROBABILITY][:k]


def guess_lead_units(session: Session, case: Case) -> list[UnitGuess]:
    """属地 first (the street office where the case lies), then the district department that the
    case's category names as its default unit type; never a unit whose 退单 of the case was approved."""
    wanted: list[tuple[str, str]] = []
    if case.street_code:
        wanted.append((f"S{case.street_code}", "属地：诉求所在街道/乡镇"))
    if case.category_id and case.district_code:
        category = session.get(Category, case.category_id)
        unit_type = category.default_unit_type if category else None
        if unit_type:
            wanted.append((f"D{case.district_code}-{unit_type}", "分类：该类诉求的区级主管部门"))
    returned = returned_units(session, case.id) if case.return_count else frozenset()
    wanted = [(code, rule) for code, rule in wanted if code not in returned]
    if not wanted:
        return []
    statement = select(Unit.code, Unit.name).where(
        Unit.code.in_([c for c, _ in wanted]), Unit.active.is_(True)
    )
    found = {code: name for code, name in session.execute(statement)}
    return [UnitGuess(code, found[code], rule) for code, rule in wanted if code in found]


def knowledge_answers(session: Session, text: str, limit: int = 3) -> list[tuple[KnowledgeEntry, float]]:
    if len(text.strip()) < MIN_QUERY:
        return []
    hits = knowledge_search.search(session, text, limit)
    rows = knowledge_repository.rows_by_ids(session, [h.entry_id for h in hits])
    return [
        (rows[h.entry_id].entry, h.score)
        for h in hits
        if h.entry_id in rows and rows[h.entry_id].entry.active and h.score > 0
    ]


@dataclass
class Suggestion:
    """What the dispatch queue shows beside one new case."""

    categories: list[CategoryGuess]
    units: list[UnitGuess]
    co_units: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    needs_review: bool = False
    confidence: float | None = None
    mode: str | None = None  # how the unit was chosen (直派街乡 …), in words


def _unit_names(session: Session, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return {
        code: name for code, name in session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)))
    }


def _from_stored(rec: Recommendation, names: dict[str, str]) -> Suggestion:
    categories = [
        CategoryGuess(code or "", label, float(p))
        for label, code, p in json.loads(rec.categories or "[]")
        if float(p) >= MIN_PROBABILITY
    ]
    reason = str(json.loads(rec.explanation or "{}").get("route") or "分流建议")
    lead = rec.lead_unit_code
    units = [UnitGuess(lead, names.get(lead, lead), reason)] if lead else []
    return Suggestion(
        categories=categories,
        units=units,
        co_units=[c for c in (rec.co_unit_codes or "").split(",") if c],
        rules=json.loads(rec.matched_rules or "[]"),
        duplicates=json.loads(rec.duplicates or "[]"),
        needs_review=rec.needs_review,
        confidence=rec.confidence,
        mode=routing.MODE_LABELS.get(rec.dispatch_mode),
    )


def suggestions_for(session: Session, model: ActiveModel, cases: Sequence[Case]) -> dict[int, Suggestion]:
    """The stored triage recommendation of each case, or a fresh guess where there is none."""
    ids = [c.id for c in cases]
    stored = (
        {
            r.case_id: r
            for r in session.execute(select(Recommendation).where(Recommendation.case_id.in_(ids))).scalars()
        }
        if ids
        else {}
    )
    names = _unit_names(session, {r.lead_unit_code for r in stored.values() if r.lead_unit_code})
    out: dict[int, Suggestion] = {}
    for case in cases:
        rec = stored.get(case.id)
        if rec is not None:
            out[case.id] = _from_stored(rec, names)
        else:
            text = f"{case.title}\n{case.description}"
            out[case.id] = Suggestion(guess_categories(session, model, text), guess_lead_units(session, case))
    return out


def stored_duplicates(session: Session, case: Case) -> list[dict[str, Any]]:
    """Possible duplicates triage found at intake, for the operator to see right after submitting."""
    rec = session.execute(
        select(Recommendation).where(Recommendation.case_id == case.id)
    ).scalar_one_or_none()
    return list(json.loads(rec.duplicates or "[]")) if rec else []


@dataclass(frozen=True)
class DraftDuplicate:
    """An earlier open case that looks like the matter being typed: no personal data."""

    code: str
    title: str
    similarity: float
    distance_m: float | None
    same_community: bool


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def draft_location(
    ctx: CaseContext, lat: str, lng: str, address: str
) -> tuple[Location | None, tuple[float, float] | None]:
    """Where the draft lies, as intake would resolve it, and its point; nothing when it cannot be
    resolved yet (half-typed coordinates, an address outside the city)."""
    y, x = _number(lat.strip()), _number(lng.strip())
    point = (y, x) if y is not None and x is not None else None
    if ctx.resolver is None or (point is None and not address.strip()):
        return None, None
    try:
        location = ctx.resolver.locate(
            lat=point[0] if point else None, lng=point[1] if point else None, address=address.strip() or None
        )
    except ZhiliError:
        return None, None
    return location, point


def _metres(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def draft_duplicates(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    text: str,
    location: Location | None,
    point: tuple[float, float] | None = None,
    limit: int = 5,
) -> list[DraftDuplicate]:
    """Earlier open cases near the draft's location whose text is similar, read through the actor's
    scope (a case the actor may not read is not shown)."""
    if location is None or len(text.strip()) < MIN_QUERY:
        return []
    community = location.community.code if location.community else None
    found = duplicates.find_similar(
        session,
        duplicates.signature(text),
        cell=location.cell,
        community=community,
        at=ctx.now(),
        window=timedelta(days=ctx.settings.triage_duplicate_window_days),
        threshold=ctx.settings.triage_duplicate_threshold,
        limit=limit,
    )
    if not found:
        return []
    statement = readable_cases(actor).where(Case.id.in_([f.case_id for f in found]))
    rows = {c.id: c for c in session.scalars(statement)}
    out = []
    for candidate in found:
        case = rows.get(candidate.case_id)
        if case is None:
            continue
        distance = None
        if point is not None and case.lat is not None and case.lng is not None:
            distance = _metres(point[0], point[1], case.lat, case.lng)
        same = candidate.same_community
        out.append(DraftDuplicate(case.code, case.title, candidate.similarity, distance, same))
    return out
