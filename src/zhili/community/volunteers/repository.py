"""Reads of volunteers and activities, filtered by the actor's jurisdiction; volunteer statistics."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, readable
from zhili.community.profiles.models import CommunityProfile
from zhili.community.volunteers.models import ServiceRecord, Volunteer, VolunteerActivity
from zhili.community.volunteers.schemas import VolunteerStatsOut
from zhili.errors import NotFound
from zhili.kernel.keyset import after_id, decode, encode

PLAN_TARGET_SHARE = 0.21
ROSTER = "volunteers"  # the register's cursor names it


def get_volunteer(
    session: Session, actor: Actor, volunteer_id: int, *, for_update: bool = False
) -> Volunteer:
    statement = select(Volunteer).where(
        Volunteer.id == volunteer_id, readable(actor).clause(Volunteer.community_code)
    )
    if for_update:
        statement = statement.with_for_update()
    volunteer = session.scalars(statement).one_or_none()
    if volunteer is None:
        raise NotFound("志愿者不存在或不在您的辖区内", field="volunteer_id")
    return volunteer


def get_activity(session: Session, actor: Actor, activity_id: int) -> VolunteerActivity:
    activity = session.scalars(
        select(VolunteerActivity).where(
            VolunteerActivity.id == activity_id, readable(actor).clause(VolunteerActivity.community_code)
        )
    ).one_or_none()
    if activity is None:
        raise NotFound("志愿活动不存在或不在您的辖区内", field="activity_id")
    return activity


def open_record(session: Session, volunteer_id: int) -> ServiceRecord | None:
    return session.scalars(
        select(ServiceRecord).where(
            ServiceRecord.volunteer_id == volunteer_id, ServiceRecord.signed_out_at.is_(None)
        )
    ).first()


def count_volunteers(session: Session, actor: Actor) -> int:
    where = readable(actor).clause(Volunteer.community_code)
    return int(session.execute(select(func.count()).select_from(Volunteer).where(where)).scalar_one())


def roster_page(
    session: Session, actor: Actor, *, limit: int, cursor: str | None
) -> tuple[Sequence[Volunteer], str | None]:
    """The register, newest first, after ``cursor`` (a keyset page; raises BadCursor), and the
    cursor of the page after it."""
    statement = select(Volunteer).where(readable(actor).clause(Volunteer.community_code))
    if cursor:
        statement = statement.where(after_id(Volunteer.id, decode(cursor, ROSTER, None), descending=True))
    rows = session.scalars(statement.order_by(Volunteer.id.desc()).limit(limit + 1)).all()
    following = encode(ROSTER, None, rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], following


def list_volunteers(
    session: Session, actor: Actor, division: str | None = None, limit: int = 200, offset: int = 0
) -> tuple[Sequence[Volunteer], int]:
    where = [readable(actor).clause(Volunteer.community_code)]
    if division:
        where.append(Volunteer.community_code.startswith(division, autoescape=True))
    total = int(session.execute(select(func.count()).select_from(Volunteer).where(*where)).scalar_one())
    rows = session.scalars(
        select(Volunteer).where(*where).order_by(Volunteer.id.desc()).limit(limit).offset(offset)
    ).all()
    return rows, total


def list_activities(
    session: Session, actor: Actor, division: str | None = None
) -> Sequence[VolunteerActivity]:
    statement = select(VolunteerActivity).where(readable(actor).clause(VolunteerActivity.community_code))
    if division:
        statement = statement.where(VolunteerActivity.community_code.startswith(division, autoescape=True))
    return session.scalars(statement.order_by(VolunteerActivity.starts_at.desc()).limit(200)).all()


def records(session: Session, volunteer_id: int) -> Sequence[ServiceRecord]:
    return session.scalars(
        select(ServiceRecord).where(ServiceRecord.volunteer_id == volunteer_id).order_by(ServiceRecord.id)
    ).all()


def stats(session: Session, actor: Actor, division: str = "") -> VolunteerStatsOut:
    """Registered volunteers against the resident population of the communities with a profile."""
    scope = readable(actor)
    where_v = [scope.clause(Volunteer.community_code)]
    where_p = [scope.clause(CommunityProfile.community_code)]
    if division:
        where_v.append(Volunteer.community_code.startswith(division, autoescape=True))
        where_p.append(CommunityProfile.community_code.startswith(division, autoescape=True))
    by_star = dict(
        session.execute(select(Volunteer.stars, func.count()).where(*where_v).group_by(Volunteer.stars)).all()
    )
    minutes = session.execute(
        select(func.coalesce(func.sum(Volunteer.service_minutes), 0)).where(*where_v)
    ).scalar_one()
    population = int(
        session.execute(
            select(func.coalesce(func.sum(CommunityProfile.population), 0)).where(*where_p)
        ).scalar_one()
    )
    count = sum(int(n) for n in by_star.values())
    return VolunteerStatsOut(
        division=division,
        volunteers=count,
        population=population,
        share=count / population if population else None,
        target=PLAN_TARGET_SHARE,
        stars={level: int(by_star.get(level, 0)) for level in range(6)},
        hours=round(int(minutes) / 60, 1),
    )
