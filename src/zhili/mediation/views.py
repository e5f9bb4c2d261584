"""Out-shapes of disputes for the API: summaries, the full view (parties as the actor may see them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.kernel.crypto import PersonalDataCipher
from zhili.mediation import repository as disputes
from zhili.mediation.models import CheckRound, Dispute, Mediator, RoutingRule
from zhili.mediation.privacy import parties_for
from zhili.mediation.schemas import (
    DisputeOut,
    DisputeSessionOut,
    DisputeStepOut,
    DisputeSummaryOut,
    FindingOut,
    MediatorOut,
    RoundOut,
    RoutingRuleOut,
)
from zhili.mediation.states import (
    CONFIRMATION_LABELS,
    KIND_LABELS,
    NEXT_PATH_LABELS,
    RULES,
    SOURCE_LABELS,
    STATE_LABELS,
    TRACK_LABELS,
)


def summary(session: Session, d: Dispute) -> DisputeSummaryOut:
    return DisputeSummaryOut(**_summary_fields(session, d))


def _summary_fields(session: Session, d: Dispute) -> dict[str, object]:
    return {
        "code": d.code,
        "kind": d.kind,
        "kind_label": KIND_LABELS[d.kind],
        "source": d.source,
        "source_label": SOURCE_LABELS[d.source],
        "title": d.title,
        "division_code": d.division_code,
        "place": d.place,
        "state": d.state,
        "state_label": STATE_LABELS[d.state],
        "track": d.track,
        "track_label": TRACK_LABELS[d.track] if d.track else None,
        "committee": disputes.committee_name(session, d.committee_id),
        "mediator": disputes.mediator_name(session, d.mediator_id),
        "received_at": d.received_at,
    }


def detail(session: Session, actor: Actor, d: Dispute, cipher: PersonalDataCipher) -> DisputeOut:
    sessions = [
        DisputeSessionOut(
            at=s.at,
            place=s.place,
            mediator=disputes.mediator_name(session, s.mediator_id),
            attendees=[int(p) for p in s.attendees.split(",") if p],
            notes=s.notes,
        )
        for s in disputes.sessions_of(session, d.id)
    ]
    steps = [
        DisputeStepOut(
            action=s.action,
            label=RULES[s.action].label if s.action in RULES else "登记",
            from_state=s.from_state,
            to_state=s.to_state,
            actor=s.actor,
            at=s.at,
            note=s.note,
        )
        for s in disputes.steps_of(session, d.id)
    ]
    return DisputeOut(
        **_summary_fields(session, d),
        facts=d.facts,
        referring_body=d.referring_body,
        parties=parties_for(session, actor, disputes.parties_of(session, d.id), d.code, cipher),
        sessions=sessions,
        steps=steps,
        linked_cases=disputes.linked_case_codes(session, d.id),
        outcome=d.outcome,
        agreement_terms=d.agreement_terms,
        performance_due=d.performance_due,
        performance_method=d.performance_method,
        failure_reason=d.failure_reason,
        next_path=d.next_path,
        next_path_label=NEXT_PATH_LABELS[d.next_path] if d.next_path else None,
        returned_to_court=d.returned_to_court,
        confirmation=d.confirmation,
        confirmation_label=CONFIRMATION_LABELS[d.confirmation],
        performed=d.performed,
        follow_up_note=d.follow_up_note,
    )


def mediator_out(m: Mediator, committee: str, load: int) -> MediatorOut:
    return MediatorOut(
        id=m.id,
        committee_id=m.committee_id,
        committee=committee,
        name=m.name,
        specialties=disputes.specialties(m),
        area=m.area,
        load=load,
        active=m.active,
    )


def rule_out(r: RoutingRule) -> RoutingRuleOut:
    return RoutingRuleOut(
        id=r.id,
        priority=r.priority,
        kind=r.kind,
        source=r.source,
        track=r.track,
        track_label=TRACK_LABELS[r.track],
        note=r.note,
        active=r.active,
    )


def round_out(session: Session, check: CheckRound) -> RoundOut:
    return RoundOut(
        id=check.id,
        division_code=check.division_code,
        checked_on=check.checked_on,
        checkers=check.checkers,
        summary=check.summary,
        created_by=check.created_by,
        findings=[
            FindingOut(
                position=f.position,
                kind=f.kind,
                kind_label=KIND_LABELS[f.kind],
                place=f.place,
                description=f.description,
                dispute_code=disputes.dispute_code_of(session, f.dispute_id),
            )
            for f in disputes.findings_of(session, check.id)
        ],
    )
