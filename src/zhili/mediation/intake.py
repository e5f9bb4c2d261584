"""Registering a dispute from any source: a committee or department, a court's 诉前委派, a grid
worker's field event, or 12345 demands (e.g. two neighbours complaining about each other). The
demands are linked by case code; nothing is written unless everything checks out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor, readable
from zhili.cases.codes import next_codes
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.divisions.models import Division
from zhili.errors import Forbidden, ValidationFailed
from zhili.grid.patrols.models import FieldEvent
from zhili.kernel.clock import as_aware
from zhili.mediation.models import Dispute, DisputeCaseLink, DisputeParty, DisputeStep
from zhili.mediation.policy import can_register_dispute, is_grid_worker
from zhili.mediation.privacy import seal
from zhili.mediation.schemas import DisputeIn
from zhili.mediation.states import DisputeSource, DisputeState

DISPUTE_PREFIX = "TJ"  # 调解
FUTURE_SLACK = timedelta(minutes=5)


@dataclass
class Registered:
    dispute: Dispute
    linked_cases: list[str]


def _place_of(case: Case) -> str | None:
    return case.community_code or case.division_code


def _cases(session: Session, codes: list[str]) -> list[Case]:
    found: list[Case] = []
    for code in dict.fromkeys(codes):
        case = session.execute(select(Case).where(Case.code == code)).scalar_one_or_none()
        if case is None:
            raise ValidationFailed(f"诉求编号 {code} 不存在", field="case_codes")
        found.append(case)
    return found


def _event(session: Session, actor: Actor, body: DisputeIn) -> tuple[FieldEvent | None, Case | None]:
    if body.source != DisputeSource.grid:
        if is_grid_worker(actor):
            raise Forbidden("网格员只能从本人上报的巡查事件登记纠纷")
        return None, None
    if body.field_event_id is None:
        raise ValidationFailed("网格巡查发现的纠纷须填写巡查事件编号", field="field_event_id")
    event = session.get(FieldEvent, body.field_event_id)
    if event is None:
        raise ValidationFailed(f"巡查事件 {body.field_event_id} 不存在", field="field_event_id")
    if is_grid_worker(actor) and event.worker_id != actor.user_id:
        raise Forbidden("网格员只能从本人上报的巡查事件登记纠纷")
    return event, session.get(Case, event.case_id)


def _checked(session: Session, ctx: CaseContext, actor: Actor, body: DisputeIn) -> tuple[str, list[Case]]:
    if body.source in (DisputeSource.court, DisputeSource.department) and not body.referring_body:
        label = "委派的法院" if body.source == DisputeSource.court else "移送的部门"
        raise ValidationFailed(f"请填写{label}", field="referring_body")
    if body.source == DisputeSource.hotline and not body.case_codes:
        raise ValidationFailed("12345诉求转入的纠纷须填写诉求编号", field="case_codes")
    if body.received_at is not None and as_aware(body.received_at) > ctx.now() + FUTURE_SLACK:
        raise ValidationFailed("登记时间不能晚于现在", field="received_at")
    _event_row, event_case = _event(session, actor, body)
    cases = _cases(session, body.case_codes)
    if event_case is not None and event_case not in cases:
        cases.insert(0, event_case)
    place = body.division_code or next((p for p in map(_place_of, cases) if p), None)
    if not place:
        raise ValidationFailed("请填写纠纷发生地（社区或街道编码）", field="division_code")
    if session.get(Division, place) is None:
        raise ValidationFailed(f"区划编码 {place} 不存在", field="division_code")
    if not is_grid_worker(actor):
        # Another jurisdiction's event or demands are answered as unknown, without their place.
        if event_case is not None and not readable(actor).covers(_place_of(event_case)):
            raise ValidationFailed(f"巡查事件 {body.field_event_id} 不存在", field="field_event_id")
        for case in cases:
            if not readable(actor).covers(_place_of(case)):
                raise ValidationFailed(f"诉求编号 {case.code} 不存在", field="case_codes")
        if not readable(actor).covers(place):
            raise ValidationFailed(f"纠纷发生地 {place} 不在您的辖区内", field="division_code")
    return place, cases


def register(session: Session, ctx: CaseContext, actor: Actor, body: DisputeIn) -> Registered:
    can_register_dispute.require(actor)
    place, cases = _checked(session, ctx, actor, body)
    return write(session, ctx, actor.username, body, place, cases)


def write(
    session: Session,
    ctx: CaseContext,
    by: str,
    body: DisputeIn,
    place: str,
    cases: list[Case],
    *,
    committee_id: int | None = None,
) -> Registered:
    """Write a checked registration: the dispute, its sealed parties, linked demands, the first step."""
    received = as_aware(body.received_at) if body.received_at else ctx.now()
    dispute = Dispute(
        code=next_codes(session, DISPUTE_PREFIX, received.astimezone(ctx.tz))[0],
        kind=body.kind,
        source=body.source,
        title=body.title,
        facts=body.facts,
        division_code=place,
        place=body.place,
        referring_body=body.referring_body,
        state=DisputeState.registered,
        committee_id=committee_id,
        field_event_id=body.field_event_id if body.source == DisputeSource.grid else None,
        received_at=received,
        created_by=by,
    )
    session.add(dispute)
    session.flush()
    for position, given in enumerate(body.parties, start=1):
        party = DisputeParty(dispute_id=dispute.id, position=position, role=given.role)
        seal(party, given, ctx.cipher)
        session.add(party)
    for case in cases:
        session.add(DisputeCaseLink(dispute_id=dispute.id, case_id=case.id, linked_at=received))
    session.add(
        DisputeStep(
            dispute_id=dispute.id,
            action="register",
            from_state=None,
            to_state=DisputeState.registered.value,
            actor=by,
            at=received,
            note=body.referring_body,
        )
    )
    session.flush()
    audit.record(
        session,
        actor=by,
        action="mediation.register",
        target_type="dispute",
        target_id=dispute.code,
        detail={"source": body.source.value, "cases": [c.code for c in cases]},
    )
    return Registered(dispute, [c.code for c in cases])
