"""Triage at intake: classify, route, look for duplicates (and, for a 咨询, knowledge entries), and
store it all as one recommendation.

``on_intake`` runs inside the intake transaction, right after the case is flushed. Everything it
reads often is cached: the active models (reloaded when the ``active`` pointer moves), the routing
snapshot (rules, units, categories) and the knowledge index.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.models import Case, CaseEvent, CaseLink
from zhili.kernel.clock import utcnow
from zhili.taxonomy.enums import DemandType
from zhili.triage import duplicates, model_store, routing
from zhili.triage.classified import classify
from zhili.triage.models import CaseFingerprint, Recommendation

TOP_K = 3
KNOWLEDGE_LIMIT = 3


def case_text(case: Case) -> str:
    return f"{case.title} {case.description}"


def _models(ctx: CaseContext) -> tuple[model_store.ActiveModel, model_store.ActiveModel]:
    """The process-wide active models (``model_store`` keeps one per folder and kind)."""
    root = model_store.models_root(ctx.settings.data_dir)
    return model_store.active_model(root, "category"), model_store.active_model(root, "demand_type")


def knowledge_hits(session: Session, text: str, limit: int = KNOWLEDGE_LIMIT) -> list[dict[str, Any]]:
    """The best 知识库 entries for a demand text (id, question, score), via ``zhili.knowledge``."""
    from zhili.knowledge import search
    from zhili.knowledge.models import KnowledgeEntry

    hits = search.search(session, text, limit=limit)
    found = []
    for hit in hits:
        entry = session.get(KnowledgeEntry, hit.entry_id)
        if entry is not None:
            found.append({"id": entry.id, "question": entry.question, "score": hit.score})
    return found


def _link_repeats(session: Session, case: Case, candidates: list[duplicates.Candidate]) -> None:
    """A repeat from the same citizen about the same matter is linked at once (kind ``repeat``)."""
    now = utcnow()
    for candidate in candidates:
        if candidate.same_citizen:
            session.add(
                CaseLink(
                    case_id=case.id,
                    other_case_id=candidate.case_id,
                    kind="repeat",
                    created_by="triage",
                    created_at=now,
                )
            )


def returned_units(session: Session, case_id: int) -> frozenset[str]:
    """The units whose 退单 of this case was approved (the ``approve_return`` events name them)."""
    rows = session.scalars(
        select(CaseEvent.data).where(CaseEvent.case_id == case_id, CaseEvent.action == "approve_return")
    )
    found = set()
    for data in rows:
        unit = json.loads(data or "{}").get("returned_by")
        if unit:
            found.add(str(unit))
    return frozenset(found)


def recommend(session: Session, ctx: CaseContext, case: Case, from_text: bool = False) -> dict[str, Any]:
    """The column values of the recommendation for a flushed case (not stored; see :func:`on_intake`).
    ``from_text``: as if the operator had not chosen a category (the model decides it)."""
    snap = routing.snapshot_for(session)
    category_model, type_model = _models(ctx)
    # The intake page classified this text while the operator typed: reused when nothing changed.
    classified = classify(snap, category_model, type_model, case_text(case))
    categories, keywords = classified.categories, classified.keywords
    given = snap.category_codes.get(case.category_id) if case.category_id and not from_text else None
    category = given or (categories[0][1] if categories else None)
    confidence = 1.0 if given else (float(categories[0][2]) if categories else 0.0)
    chosen = routing.route(
        snap,
        category=category,
        division=case.division_code,
        district=case.district_code,
        street=case.street_code,
        demand_type=case.demand_type.value,
        excluded=returned_units(session, case.id) if case.return_count else frozenset(),
    )
    winner = chosen.applied.id if chosen.applied else None
    matched = [{**r.as_dict(), "applied": r.id == winner} for r in chosen.matched]
    threshold = ctx.settings.triage_confidence_threshold
    return dict(
        case_id=case.id,
        model_version=classified.model_version,
        categories=json.dumps(categories, ensure_ascii=False),
        category_code=category,
        demand_types=json.dumps(classified.demand_types, ensure_ascii=False),
        confidence=round(confidence, 4),
        lead_unit_code=chosen.lead_unit,
        co_unit_codes=",".join(chosen.co_units),
        dispatch_mode=chosen.mode,
        matched_rules=json.dumps(matched, ensure_ascii=False),
        explanation=json.dumps(
            {
                "keywords": keywords,
                "category_source": "intake" if given else "model",
                "route": chosen.reason,
            },
            ensure_ascii=False,
        ),
        needs_review=confidence < threshold or chosen.lead_unit is None,
        status="pending",
        created_at=utcnow(),
        duplicates="[]",
        knowledge="[]",
    )


def on_intake(session: Session, ctx: CaseContext, case: Case) -> dict[str, Any]:
    """Classify, route, check duplicates and store the recommendation of a newly flushed case.

    Rows are written with Core inserts on the session's connection (in its transaction): the unit
    of work would cost more than everything else here. Returns the recommendation's values.
    """
    rec = recommend(session, ctx, case)
    text = case_text(case)
    sig = duplicates.signature(text)
    settings = ctx.settings
    candidates = duplicates.find_candidates(
        session,
        case,
        sig,
        window=timedelta(days=settings.triage_duplicate_window_days),
        threshold=settings.triage_duplicate_threshold,
    )
    if candidates:
        rec["duplicates"] = json.dumps([c.as_dict() for c in candidates], ensure_ascii=False)
    if case.demand_type == DemandType.consultation:
        rec["knowledge"] = json.dumps(knowledge_hits(session, text), ensure_ascii=False)
    connection = session.connection()
    connection.execute(_INSERT_RECOMMENDATION, rec)
    duplicates.store_fingerprint(connection, case, sig)
    if any(c.same_citizen for c in candidates):
        _link_repeats(session, case, candidates)
        session.flush()
    return rec


def on_returned(session: Session, ctx: CaseContext, case: Case) -> None:
    """A 退单 approved: suggest again, never the unit that returned it, for a person to decide."""
    rec = recommend(session, ctx, case)
    rec["needs_review"] = True
    kept = ("case_id", "created_at", "duplicates", "knowledge")
    rec.update(decided_by=None, decided_at=None)
    changed = session.execute(
        update(Recommendation)
        .where(Recommendation.case_id == case.id)
        .values({k: v for k, v in rec.items() if k not in kept})
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        session.connection().execute(_INSERT_RECOMMENDATION, rec)


def on_located(session: Session, ctx: CaseContext, case: Case) -> None:
    """A case given its place (定位) after intake: route it again where it now lies, and move its
    fingerprint there for the duplicate check. Duplicates and knowledge found at intake are kept."""
    rec = recommend(session, ctx, case)
    kept = ("case_id", "created_at", "duplicates", "knowledge", "status")
    changed = session.execute(
        update(Recommendation)
        .where(Recommendation.case_id == case.id)
        .values({k: v for k, v in rec.items() if k not in kept})
    )
    if not changed.rowcount:  # type: ignore[attr-defined]
        session.connection().execute(_INSERT_RECOMMENDATION, rec)
    session.execute(
        update(CaseFingerprint)
        .where(CaseFingerprint.case_id == case.id)
        .values(h3_cell=case.h3_cell, community_code=case.community_code)
    )


_INSERT_RECOMMENDATION = insert(Recommendation)
