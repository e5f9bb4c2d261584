"""Reads of 信访 data, each through ``readable_matters(actor)``: the office reads its jurisdiction, a
body the matters sent to it, a leader the matters assigned to him (包案). Nothing else is read."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session

from zhili.auth.models import User
from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case
from zhili.errors import NotFound
from zhili.petitions.models import (
    LeaderAction,
    Petition,
    PetitionAttachment,
    PetitionBody,
    PetitionCaseLink,
    PetitionMatter,
    PetitionStep,
    ReceptionSlot,
)
from zhili.petitions.policy import can_read_petitions, reads_by_jurisdiction
from zhili.petitions.states import BACKLOG_STATES, OPEN_STATES
from zhili.units.models import Unit


def _visible(actor: Actor) -> ColumnElement[bool]:
    if not can_read_petitions(actor):
        return false()
    ways: list[ColumnElement[bool]] = []
    if reads_by_jurisdiction(actor):
        ways.append(readable(actor).clause(PetitionMatter.division_code))
    if actor.unit_id is not None:
        ways.append(
            exists().where(PetitionBody.matter_id == PetitionMatter.id, PetitionBody.unit_id == actor.unit_id)
        )
    if actor.user_id is not None:
        ways.append(PetitionMatter.leader_user_id == actor.user_id)
    return or_(*ways) if ways else false()


def readable_matters(actor: Actor) -> Select[PetitionMatter]:
    """The one scoped statement every read of matters starts from."""
    return select(PetitionMatter).where(_visible(actor))


def get_readable(session: Session, actor: Actor, code: str, *, for_update: bool = False) -> PetitionMatter:
    statement = readable_matters(actor).where(PetitionMatter.code == code)
    if for_update:
        statement = statement.with_for_update()
    matter = session.scalars(statement).first()
    if matter is None:
        raise NotFound(f"信访事项 {code} 不存在或不在您的查看范围内")
    return matter


def list_matters(
    session: Session, actor: Actor, *, state: str | None = None, limit: int = 200
) -> Sequence[PetitionMatter]:
    statement = readable_matters(actor).order_by(PetitionMatter.received_at.desc()).limit(limit)
    if state:
        statement = statement.where(PetitionMatter.state == state)
    return session.scalars(statement).all()


def backlog(session: Session, actor: Actor, now: datetime, min_age_days: int) -> Sequence[PetitionMatter]:
    """积案: matters still waiting on an office or a body ``min_age_days`` after they were registered
    (not those answered and in the petitioner's window for 复查/复核), oldest first."""
    since = now - timedelta(days=min_age_days)
    return session.scalars(
        readable_matters(actor)
        .where(PetitionMatter.state.in_(BACKLOG_STATES), PetitionMatter.received_at <= since)
        .order_by(PetitionMatter.received_at)
        .limit(500)
    ).all()


def petitions_of(session: Session, matter_id: int) -> Sequence[Petition]:
    return session.scalars(
        select(Petition).where(Petition.matter_id == matter_id).order_by(Petition.id)
    ).all()


def scans_per_petition(session: Session, matter_id: int) -> dict[int, int]:
    rows = session.execute(
        select(PetitionAttachment.petition_id, func.count())
        .join(Petition, Petition.id == PetitionAttachment.petition_id)
        .where(Petition.matter_id == matter_id)
        .group_by(PetitionAttachment.petition_id)
    ).all()
    return {int(pid): int(n) for pid, n in rows}


def steps_of(session: Session, matter_id: int) -> Sequence[PetitionStep]:
    return session.scalars(
        select(PetitionStep).where(PetitionStep.matter_id == matter_id).order_by(PetitionStep.id)
    ).all()


def bodies_of(session: Session, matter_id: int) -> list[str]:
    rows = session.execute(
        select(Unit.name)
        .join(PetitionBody, PetitionBody.unit_id == Unit.id)
        .where(PetitionBody.matter_id == matter_id)
        .order_by(PetitionBody.id)
    ).all()
    return [name for (name,) in rows]


def is_body_of(session: Session, matter_id: int, unit_id: int | None) -> bool:
    if unit_id is None:
        return False
    found = session.execute(
        select(PetitionBody.id).where(PetitionBody.matter_id == matter_id, PetitionBody.unit_id == unit_id)
    ).first()
    return found is not None


def linked_case_codes(session: Session, matter_id: int) -> list[str]:
    rows = session.execute(
        select(Case.code)
        .join(PetitionCaseLink, PetitionCaseLink.case_id == Case.id)
        .where(PetitionCaseLink.matter_id == matter_id)
        .order_by(PetitionCaseLink.id)
    ).all()
    return [code for (code,) in rows]


def leader_actions_of(session: Session, matter_id: int) -> Sequence[tuple[LeaderAction, str]]:
    rows = session.execute(
        select(LeaderAction, User.display_name)
        .join(User, User.id == LeaderAction.leader_user_id)
        .where(LeaderAction.matter_id == matter_id)
        .order_by(LeaderAction.at)
    ).all()
    return [(action, name) for action, name in rows]


def user_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    user = session.get(User, user_id)
    return user.display_name if user else None


def unit_name(session: Session, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    unit = session.get(Unit, unit_id)
    return unit.name if unit else None


def readable_receptions(actor: Actor) -> Select[ReceptionSlot, str]:
    """The calendar of the office's jurisdiction; a leader also sees his own slots."""
    ways: list[ColumnElement[bool]] = []
    if reads_by_jurisdiction(actor):
        ways.append(readable(actor).clause(ReceptionSlot.division_code))
    if actor.user_id is not None:
        ways.append(ReceptionSlot.leader_user_id == actor.user_id)
    where = or_(*ways) if ways and can_read_petitions(actor) else false()
    return (
        select(ReceptionSlot, User.display_name)
        .join(User, User.id == ReceptionSlot.leader_user_id)
        .where(where)
        .order_by(ReceptionSlot.starts_at)
    )


def receptions(
    session: Session, actor: Actor, since: datetime | None, until: datetime | None
) -> Sequence[tuple[ReceptionSlot, str]]:
    statement = readable_receptions(actor)
    if since is not None:
        statement = statement.where(ReceptionSlot.starts_at >= since)
    if until is not None:
        statement = statement.where(ReceptionSlot.starts_at < until)
    return [(slot, name) for slot, name in session.execute(statement.limit(500)).all()]


def get_reception(session: Session, actor: Actor, reception_id: int) -> ReceptionSlot:
    row = session.execute(readable_receptions(actor).where(ReceptionSlot.id == reception_id)).first()
    if row is None:
        raise NotFound("接访安排不存在或不在您的查看范围内")
    return row[0]


def figures(session: Session, actor: Actor, now: datetime, backlog_days: int) -> list[dict[str, object]]:
    """By district × category, counted by matter (never by petitioner): one grouped statement."""
    district = func.substr(PetitionMatter.division_code, 1, 6)

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    since = now - timedelta(days=backlog_days)
    rows = session.execute(
        select(
            district,
            PetitionMatter.category,
            func.count(),
            counted(PetitionMatter.decided_at.is_not(None)),
            counted(PetitionMatter.decided_on_time.is_(True)),
            counted(PetitionMatter.replied_at.is_not(None)),
            counted(PetitionMatter.replied_on_time.is_(True)),
            counted(PetitionMatter.petitions > 1),
            counted(and_(PetitionMatter.state.in_(BACKLOG_STATES), PetitionMatter.received_at <= since)),
        )
        .where(_visible(actor))
        .group_by(district, PetitionMatter.category)
        .order_by(district, PetitionMatter.category)
    ).all()
    keys = ("matters", "decided", "decided_on_time", "replied", "replied_on_time", "repeated", "open_backlog")
    return [
        {"division_code": d, "category": c, **{k: int(v) for k, v in zip(keys, values, strict=True)}}
        for d, c, *values in rows
    ]


def open_by_deadline(session: Session, actor: Actor, limit: int = 200) -> Sequence[PetitionMatter]:
    """Open matters in reach, the nearest deadline first (the inbox of the office and of the bodies)."""
    return session.scalars(
        readable_matters(actor)
        .where(PetitionMatter.state.in_(OPEN_STATES))
        .order_by(PetitionMatter.due_at.is_(None), PetitionMatter.due_at, PetitionMatter.id)
        .limit(limit)
    ).all()


def led_by(session: Session, actor: Actor) -> Sequence[PetitionMatter]:
    """The matters assigned to ``actor`` as 包案 leader (open first, then the oldest)."""
    if actor.user_id is None:
        return []
    return session.scalars(
        readable_matters(actor)
        .where(PetitionMatter.leader_user_id == actor.user_id)
        .order_by(PetitionMatter.state.in_(OPEN_STATES).desc(), PetitionMatter.received_at)
        .limit(200)
    ).all()
