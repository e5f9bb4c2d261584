"""The public projection of a case as a GeoReport v2 service request.

Lifecycle states map to the specification's two statuses: 已办结 and 已合并 are ``closed``; every
other state (已受理 … 已回访, 退单审核中) is ``open``, because until 办结 the case can still be
reopened. ``status_notes`` is the lead unit's reply once it has reported, otherwise the latest
public step in fixed words (the same words citizens see when tracking); staff notes never appear.
Phone and ID numbers written into a description are masked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases.models import Case, CaseEvent
from zhili.cases.states import FINAL_STATES, STATE_LABELS, CaseState
from zhili.cases.tracking.service import PUBLIC_NOTES, REPLIED_STATES
from zhili.kernel.clock import as_aware
from zhili.kernel.masking import mask_id_number, mask_phone
from zhili.open311 import repository
from zhili.open311.models import Open311Submission
from zhili.open311.schemas import ExtendedAttributes, NoteOut, RequestOut
from zhili.taxonomy.enums import CHANNEL_LABELS
from zhili.taxonomy.models import Category
from zhili.units.models import Unit

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
OTHER_STEP = "办理进展已更新"


def status_of(state: CaseState) -> str:
    return "closed" if state in FINAL_STATES else "open"


def iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO 8601 with the city's offset, e.g. 2026-01-05T09:30:00+08:00."""
    if moment is None:
        return None
    return as_aware(moment).astimezone(zone).isoformat(timespec="seconds")


def scrub(text: str) -> str:
    text = ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)) or "", text)
    return MOBILE.sub(lambda m: mask_phone(m.group(0)) or "", text)


def service_notice(service_name: str | None) -> str:
    kind = f"（{service_name}）" if service_name else ""
    return f"您的诉求{kind}已受理，将按接诉即办时限派单至承办单位办理，办理进展可凭受理编号查询。"


class _Lookups:
    """Names needed to describe a page of cases, each loaded in one query."""

    def __init__(self, session: Session, cases: Sequence[Case], media_base: str) -> None:
        ids = [c.id for c in cases]
        self.events = repository.public_events_of(session, ids)
        self.submissions = repository.submissions_of(session, ids)
        self.media = repository.media_of(session, list(self.submissions))
        self.media_base = media_base
        category_ids = {c.category_id for c in cases if c.category_id}
        self.categories = (
            {
                cid: (code, name)
                for cid, code, name in session.execute(
                    select(Category.id, Category.code, Category.name).where(Category.id.in_(category_ids))
                )
            }
            if category_ids
            else {}
        )
        unit_ids = {c.lead_unit_id for c in cases if c.lead_unit_id}
        unit_codes: set[str] = set()
        for events in self.events.values():
            for event in events:
                if event.actor_unit_id:
                    unit_ids.add(event.actor_unit_id)
                code = repository.event_data(event).get("lead_unit")
                if isinstance(code, str):
                    unit_codes.add(code)
        self.units_by_id: dict[int, tuple[str, str]] = {}
        self.units_by_code: dict[str, str] = {}
        if unit_ids or unit_codes:
            for uid, code, name in session.execute(
                select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(unit_ids) | Unit.code.in_(unit_codes))
            ):
                self.units_by_id[uid] = (code, name)
                self.units_by_code[code] = name

    def event_unit(self, event: CaseEvent) -> str:
        if event.action == "dispatch":
            code = repository.event_data(event).get("lead_unit")
            return self.units_by_code.get(code if isinstance(code, str) else "", "承办单位")
        return self.units_by_id.get(event.actor_unit_id or 0, ("", "承办单位"))[1]

    def note(self, event: CaseEvent) -> str:
        if event.action == "report" and event.note:
            return f"{self.event_unit(event)}答复：{scrub(event.note)}"
        template = PUBLIC_NOTES.get(event.action)
        return template.format(unit=self.event_unit(event)) if template else OTHER_STEP


def _status_notes(case: Case, lookups: _Lookups) -> str | None:
    if case.state in REPLIED_STATES and case.reply:
        return scrub(case.reply)
    events = lookups.events.get(case.id) or []
    return lookups.note(events[-1]) if events else None


def _media_url(case: Case, submission: Open311Submission | None, lookups: _Lookups) -> str | None:
    """The URL the app sent, or where the photo it uploaded is served (``GET media/{id}/{photo}``)."""
    if submission is not None and submission.media_url:
        return submission.media_url
    photo = lookups.media.get(case.id)
    return f"{lookups.media_base}/{case.code}/{photo}" if photo else None


def request_out(case: Case, lookups: _Lookups, zone: ZoneInfo, extensions: bool) -> RequestOut:
    code, name = lookups.categories.get(case.category_id or 0, (None, None))
    lead = lookups.units_by_id.get(case.lead_unit_id or 0)
    submission = lookups.submissions.get(case.id)
    updated = case.closed_at if case.state == CaseState.closed and case.closed_at else case.updated_at
    out = RequestOut(
        service_request_id=case.code,
        status=status_of(case.state),
        status_notes=_status_notes(case, lookups),
        service_name=name,
        service_code=code,
        description=scrub(case.description),
        agency_responsible=lead[1] if lead else None,
        service_notice=service_notice(name),
        requested_datetime=iso(case.received_at, zone) or "",
        updated_datetime=iso(updated, zone) or "",
        expected_datetime=iso(case.feedback_due, zone),
        address=case.address,
        address_id=submission.address_id if submission else None,
        zipcode=None,
        lat=case.lat,
        long=case.lng,
        media_url=_media_url(case, submission, lookups),
    )
    if extensions:
        out.extended_attributes = ExtendedAttributes(
            channel=case.channel.value,
            channel_label=CHANNEL_LABELS[case.channel],
            zhili_state=case.state.value,
            zhili_state_label=STATE_LABELS[case.state],
            agency_code=lead[0] if lead else None,
            demand_type=case.demand_type.value,
            urgency=case.urgency.value,
            overdue=case.overdue,
        )
        out.notes = [
            NoteOut(datetime=iso(e.at, zone) or "", description=lookups.note(e), type=e.action)
            for e in lookups.events.get(case.id) or []
        ]
    return out


def requests_out(
    session: Session, cases: Sequence[Case], zone: ZoneInfo, extensions: bool, media_base: str
) -> list[RequestOut]:
    """``media_base``: the public URL of the media route, for photos uploaded with a request."""
    lookups = _Lookups(session, cases, media_base)
    return [request_out(case, lookups, zone, extensions) for case in cases]
