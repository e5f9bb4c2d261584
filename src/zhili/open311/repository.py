"""Which requests an Open311 reader may see.

Every reader, with or without a key, sees the requests filed through Open311 itself that are not
confidential: GeoReport v2 lets anyone follow those, the way a 311 app shows the reports around its
users. A staff account's key also sees the non-confidential cases of its jurisdiction, through the
scoped statement of cases (``cases.repository.readable_cases``); an app's key (api_client) sees what
the public sees. A confidential case never shows. What is shown is the same public projection for
all (``views``): never a name, phone, e-mail, ID number, account or device id, nor a staff note.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.models import Attachment, Case, CaseEvent
from zhili.cases.repository import readable_cases
from zhili.cases.states import FINAL_STATES
from zhili.open311.models import Open311Submission
from zhili.open311.params import RequestQuery
from zhili.open311.policy import reads_its_jurisdiction
from zhili.taxonomy.enums import Channel
from zhili.taxonomy.models import Category


def _filed_through_open311() -> ColumnElement[bool]:
    return and_(Case.channel == Channel.open311, Case.confidential.is_(False))


def readable_requests(actor: Actor | None) -> Select[Case]:
    public = _filed_through_open311()
    if actor is None or not reads_its_jurisdiction(actor):
        return select(Case).where(public)
    scoped = readable_cases(actor).whereclause
    if scoped is None:  # a city-wide scope
        return select(Case).where(Case.confidential.is_(False))
    return select(Case).where(or_(and_(scoped, Case.confidential.is_(False)), public))


def _filtered(statement: Select[Case], query: RequestQuery) -> Select[Case]:
    if query.ids:
        return statement.where(Case.code.in_(query.ids))
    if query.service_codes:
        codes = select(Category.id).where(Category.code.in_(query.service_codes))
        statement = statement.where(Case.category_id.in_(codes))
    if set(query.statuses) == {"closed"}:
        statement = statement.where(Case.state.in_(FINAL_STATES))
    elif set(query.statuses) == {"open"}:
        statement = statement.where(Case.state.not_in(FINAL_STATES))
    if query.start:
        statement = statement.where(Case.received_at >= query.start)
    if query.end:
        statement = statement.where(Case.received_at <= query.end)
    if query.updated_after:
        statement = statement.where(Case.updated_at >= query.updated_after)
    if query.updated_before:
        statement = statement.where(Case.updated_at <= query.updated_before)
    return statement


def find_requests(session: Session, actor: Actor | None, query: RequestQuery) -> Sequence[Case]:
    statement = _filtered(readable_requests(actor), query)
    statement = statement.order_by(Case.received_at.desc(), Case.id.desc())
    statement = statement.limit(query.page_size).offset((query.page - 1) * query.page_size)
    return session.execute(statement).scalars().all()


def find_request(session: Session, actor: Actor | None, code: str) -> Case | None:
    statement = readable_requests(actor).where(Case.code == code.strip().upper())
    return session.execute(statement).scalar_one_or_none()


def submissions_of(session: Session, case_ids: Sequence[int]) -> dict[int, Open311Submission]:
    if not case_ids:
        return {}
    rows = session.execute(select(Open311Submission).where(Open311Submission.case_id.in_(case_ids))).scalars()
    return {row.case_id: row for row in rows}


def public_events_of(session: Session, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
    found: dict[int, list[CaseEvent]] = {case_id: [] for case_id in case_ids}
    if not case_ids:
        return found
    rows = session.execute(
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.public.is_(True))
        .order_by(CaseEvent.case_id, CaseEvent.seq)
    ).scalars()
    for event in rows:
        found[event.case_id].append(event)
    return found


def submission_by_token(
    session: Session, actor: Actor | None, token: str
) -> tuple[Open311Submission, str] | None:
    """The submission a token stands for, when the reader may see its request (a confidential one
    answers 404 here exactly as by its id)."""
    readable = readable_requests(actor).with_only_columns(Case.id).scalar_subquery()
    row = session.execute(
        select(Open311Submission, Case.code)
        .join(Case, Case.id == Open311Submission.case_id)
        .where(Open311Submission.token == token, Case.id.in_(readable))
    ).first()
    return (row[0], row[1]) if row else None


def media_of(session: Session, case_ids: Sequence[int]) -> dict[int, int]:
    """The first photo each request's submitter sent with it (case id → attachment id)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(Attachment.case_id, func.min(Attachment.id))
        .join(Open311Submission, Open311Submission.case_id == Attachment.case_id)
        .where(Attachment.case_id.in_(case_ids), Attachment.uploaded_by == Open311Submission.submitted_by)
        .group_by(Attachment.case_id)
    ).all()
    return {case_id: attachment_id for case_id, attachment_id in rows}


def event_data(event: CaseEvent) -> dict[str, Any]:
    data = json.loads(event.data or "{}")
    return data if isinstance(data, dict) else {}
