"""Matters as the API and the pages show them: petitioners through ``privacy.petitioner_for`` only."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.states import SATISFACTION_LABELS, Satisfaction
from zhili.kernel.clock import as_aware
from zhili.kernel.crypto import PersonalDataCipher
from zhili.petitions import repository as petitions
from zhili.petitions.models import Petition, PetitionMatter
from zhili.petitions.privacy import petitioner_for
from zhili.petitions.schemas import (
    PetitionBacklogOut,
    PetitionItemOut,
    PetitionLeaderActionOut,
    PetitionMatterOut,
    PetitionMatterSummaryOut,
    PetitionStepOut,
    PetitionTrackOut,
    PetitionTrackStepOut,
)
from zhili.petitions.states import CHANNEL_LABELS, LEADER_ACTION_LABELS, RULES, STATE_LABELS, MatterState

STEP_LABELS = {name: rule.label for name, rule in RULES.items()} | {
    "register": "登记",
    "repeat": "重复信访并入",
    "leader": "指定包案领导",
    "rate": "记录群众满意度",
}


def summary(matter: PetitionMatter) -> PetitionMatterSummaryOut:
    return PetitionMatterSummaryOut(**_summary_fields(matter))


def _summary_fields(matter: PetitionMatter) -> dict[str, object]:
    return {
        "code": matter.code,
        "title": matter.title,
        "category": matter.category,
        "division_code": matter.division_code,
        "state": matter.state,
        "state_label": STATE_LABELS[matter.state],
        "received_at": as_aware(matter.received_at),
        "due_at": as_aware(matter.due_at) if matter.due_at else None,
        "warning": matter.warning,
        "overdue": matter.overdue,
        "petitions": matter.petitions,
    }


def backlog_item(session: Session, matter: PetitionMatter, now: datetime) -> PetitionBacklogOut:
    age = (now - as_aware(matter.received_at)).days
    leader = petitions.user_name(session, matter.leader_user_id)
    return PetitionBacklogOut(**_summary_fields(matter), age_days=age, leader=leader)


def _item(
    session: Session,
    actor: Actor,
    matter: PetitionMatter,
    petition: Petition,
    scans: int,
    cipher: PersonalDataCipher,
) -> PetitionItemOut:
    return PetitionItemOut(
        code=petition.code,
        channel=petition.channel,
        channel_label=CHANNEL_LABELS[petition.channel],
        received_at=as_aware(petition.received_at),
        repeat=petition.repeat,
        title_hint=petition.content[:60],
        petitioner=petitioner_for(session, actor, petition, matter.code, cipher),
        scans=scans,
    )


def detail(
    session: Session, actor: Actor, matter: PetitionMatter, cipher: PersonalDataCipher
) -> PetitionMatterOut:
    scans = petitions.scans_per_petition(session, matter.id)
    items = [
        _item(session, actor, matter, p, scans.get(p.id, 0), cipher)
        for p in petitions.petitions_of(session, matter.id)
    ]
    steps = [
        PetitionStepOut(
            action=s.action,
            label=STEP_LABELS.get(s.action, s.action),
            to_state=STATE_LABELS[MatterState(s.to_state)],
            actor=s.actor,
            at=as_aware(s.at),
            due_at=as_aware(s.due_at) if s.due_at else None,
            note=s.note,
        )
        for s in petitions.steps_of(session, matter.id)
    ]
    actions = [
        PetitionLeaderActionOut(
            id=a.id,
            kind=a.kind,
            kind_label=LEADER_ACTION_LABELS[a.kind],
            leader=name,
            at=as_aware(a.at),
            place=a.place,
            note=a.note,
        )
        for a, name in petitions.leader_actions_of(session, matter.id)
    ]
    return PetitionMatterOut(
        **_summary_fields(matter),
        handling_unit=petitions.unit_name(session, matter.handling_unit_id),
        bodies=petitions.bodies_of(session, matter.id),
        extended=matter.extended,
        extension_reason=matter.extension_reason,
        refusal_reason=matter.refusal_reason,
        reply=matter.reply,
        review_opinion=matter.review_opinion,
        recheck_opinion=matter.recheck_opinion,
        satisfaction_label=satisfaction_label(matter),
        leader=petitions.user_name(session, matter.leader_user_id),
        linked_cases=petitions.linked_case_codes(session, matter.id),
        steps=steps,
        items=items,
        leader_actions=actions,
    )


# Steps a petitioner sees on the tracking page (no internal notes, no staff names).
PUBLIC_STEPS = frozenset(RULES) | {"register", "repeat"}


def tracked(session: Session, petition: Petition, matter: PetitionMatter, tz_name: str) -> PetitionTrackOut:
    steps = [
        PetitionTrackStepOut(label=STEP_LABELS[s.action], at=as_aware(s.at))
        for s in petitions.steps_of(session, matter.id)
        if s.action in PUBLIC_STEPS
    ]
    due = as_aware(matter.due_at).astimezone(ZoneInfo(tz_name)).date() if matter.due_at else None
    return PetitionTrackOut(
        code=petition.code,
        received_at=as_aware(petition.received_at),
        state_label=STATE_LABELS[matter.state],
        due_on=due,
        steps=steps,
        reply=matter.reply if matter.state != MatterState.refused else matter.refusal_reason,
        review_opinion=matter.review_opinion,
        recheck_opinion=matter.recheck_opinion,
        satisfaction_label=satisfaction_label(matter),
        may_rate=matter.replied_at is not None and matter.satisfaction is None,
    )


def satisfaction_label(matter: PetitionMatter) -> str | None:
    return SATISFACTION_LABELS[Satisfaction(matter.satisfaction)] if matter.satisfaction else None
