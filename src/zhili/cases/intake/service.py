"""受理: validate a demand, resolve its location, store it encrypted, and hand out its tracking code."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.codes import next_codes
from zhili.cases.context import CaseContext
from zhili.cases.events import insert_first_event
from zhili.cases.models import Case
from zhili.cases.policy import can_take_outside_city
from zhili.cases.privacy import Contact, seal
from zhili.cases.schemas import CaseIn
from zhili.cases.states import CaseState
from zhili.divisions.resolver import OutsideCity
from zhili.divisions.results import Location
from zhili.errors import Conflict, ValidationFailed
from zhili.kernel.clock import as_aware
from zhili.taxonomy import repository as taxonomy
from zhili.units.repository import receiving_centre

FUTURE_TOLERANCE = timedelta(minutes=5)


UNLOCATED_WARNING = "未能定位到区县：诉求已进入受理中心的“待定位”队列，请派单员定位后派单"
OUTSIDE_HINT = "；如确需受理（如本市居民在外地反映），请勾选“本市以外，仍然受理”（outside_city）后再提交"


@dataclass
class Intake:
    case: Case
    created: bool
    location: Location | None
    # Said to whoever took the demand in: it could not be located, or lies outside the city.
    warning: str | None = None
    # Triage waits for the commit (``zhili.triage.pending``); the caller drains it after answering.
    triage_deferred: bool = False


def idempotency_digest(actor: Actor, key: str) -> str:
    return hashlib.sha256(f"{actor.username}\x00{key}".encode()).hexdigest()


def fingerprint(body: CaseIn) -> str:
    return hashlib.sha256(body.model_dump_json().encode()).hexdigest()


def find_retry(session: Session, actor: Actor, key: str, body: CaseIn) -> Case | None:
    """The case an earlier request with this key created; a different body under the same key is refused."""
    case = session.execute(
        select(Case).where(Case.idempotency_key == idempotency_digest(actor, key))
    ).scalar_one_or_none()
    if case is not None and case.idempotency_fingerprint != fingerprint(body):
        raise Conflict("该 Idempotency-Key 已用于另一条内容不同的诉求", field="Idempotency-Key")
    return case


def resolve_location(ctx: CaseContext, actor: Actor, body: CaseIn) -> tuple[Location | None, str | None]:
    """Where the demand is, and a warning when it has no district (待定位).

    Outside the city is refused, except for the centre's staff who confirm it (``outside_city``): a
    resident reporting from elsewhere is still taken in, and waits in 待定位 like any demand that
    cannot be located.
    """
    if body.lat is None and body.lng is None and not body.address:
        return None, None
    if ctx.resolver is None:
        raise RuntimeError("location resolver not configured")
    try:
        location = ctx.resolver.locate(lat=body.lat, lng=body.lng, address=body.address)
    except OutsideCity as exc:
        if not can_take_outside_city(actor):
            raise
        if not body.outside_city:
            raise OutsideCity(exc.message + OUTSIDE_HINT, field=exc.field) from None
        return None, f"{exc.message}：已受理，进入“待定位”队列"
    return location, (UNLOCATED_WARNING if location.district is None else None)


def create_case(
    session: Session, ctx: CaseContext, actor: Actor, body: CaseIn, idempotency_key: str | None = None
) -> Intake:
    """Validate, locate, encrypt and store the demand with its first event (flushed, not committed).

    Triage and the audit entry come after, in ``cases.flows.take_demand``, which every channel calls.
    """
    category = None
    if body.category:
        category = taxonomy.by_code(session, body.category)
        if category is None or not category.active:
            raise ValidationFailed(f"未知的诉求分类：{body.category}", field="category")
    now = ctx.now()
    received_at = as_aware(body.received_at) if body.received_at else now
    if received_at > now + FUTURE_TOLERANCE:
        raise ValidationFailed("受理时间不能晚于当前时间", field="received_at")
    location, warning = resolve_location(ctx, actor, body)
    case = Case(
        demand_type=body.demand_type,
        urgency=body.urgency,
        category_id=category.id if category else None,
        channel=body.channel,
        title=body.title,
        description=body.description,
        lat=body.lat,
        lng=body.lng,
        address=body.address,
        confidential=body.confidential,
        state=CaseState.received,
        version=1,
        received_at=received_at,
        updated_at=now,
        created_by=actor.username,
        receiving_unit_id=receiving_centre(session, actor.unit_id),
        idempotency_key=idempotency_digest(actor, idempotency_key) if idempotency_key else None,
        idempotency_fingerprint=fingerprint(body) if idempotency_key else None,
    )
    if location is not None:
        deepest = location.community or location.street or location.district
        case.district_code = location.district.code if location.district else None
        case.street_code = location.street.code if location.street else None
        case.community_code = location.community.code if location.community else None
        case.division_code = deepest.code if deepest else None
        case.h3_cell = location.cell
        case.location_confidence = location.confidence
    seal(case, Contact(body.citizen.name, body.citizen.phone, body.citizen.id_number), ctx.cipher)
    # Reserved once the demand is checked and located, so that a refused demand spends no code. On
    # PostgreSQL the counter moves in a short transaction of its own (``cases.codes``); on SQLite in
    # this one, where writers take turns anyway.
    case.code = next_codes(session, ctx.settings.city_prefix, received_at.astimezone(ctx.tz))[0]
    session.add(case)
    session.flush()
    insert_first_event(
        session,
        case,
        action="intake",
        actor=actor,
        at=now,
        public=True,
        note="诉求已受理",
        data={"channel": body.channel.value},
    )
    return Intake(case, True, location, warning)
