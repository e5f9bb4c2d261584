"""Volunteer rules: one registration per person, sign-in/sign-out at activities, hours entered
afterwards with a reason, and star ratings that rise as hours cross 100/300/600/1000/1500."""

from __future__ import annotations

import math
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.community.access import check_writable, division_at
from zhili.community.volunteers import repository as repo
from zhili.community.volunteers.models import ServiceRecord, Volunteer, VolunteerActivity, stars_for
from zhili.community.volunteers.schemas import ActivityIn, HoursIn, VolunteerIn
from zhili.divisions.models import DivisionLevel
from zhili.errors import Conflict, ValidationFailed
from zhili.kernel.clock import as_aware, utcnow
from zhili.kernel.crypto import PersonalDataCipher

MAX_SESSION = timedelta(hours=24)
FUTURE_TOLERANCE = timedelta(minutes=5)


def register(session: Session, actor: Actor, cipher: PersonalDataCipher, body: VolunteerIn) -> Volunteer:
    division_at(session, body.community_code, DivisionLevel.community, field="community_code")
    check_writable(actor, body.community_code)
    digest = cipher.digest(body.phone) or ""
    if session.execute(select(Volunteer.id).where(Volunteer.phone_digest == digest)).first():
        raise Conflict("该手机号已注册为志愿者（每人只能实名注册一次）", field="phone")
    volunteer = Volunteer(
        community_code=body.community_code,
        name_enc=cipher.encrypt(body.name) or "",
        phone_enc=cipher.encrypt(body.phone) or "",
        phone_digest=digest,
        service_minutes=0,
        stars=0,
        registered_by=actor.username,
        registered_at=utcnow(),
    )
    return audit.record_added(
        session,
        volunteer,
        actor=actor.username,
        action="volunteer.register",
        target_type="volunteer",
        detail={"community": body.community_code},
    )


def create_activity(session: Session, actor: Actor, body: ActivityIn) -> VolunteerActivity:
    division_at(session, body.community_code, DivisionLevel.community, field="community_code")
    check_writable(actor, body.community_code)
    starts, ends = as_aware(body.starts_at), as_aware(body.ends_at)
    if ends <= starts:
        raise ValidationFailed("结束时间必须晚于开始时间", field="ends_at")
    activity = VolunteerActivity(
        community_code=body.community_code,
        title=body.title,
        place=body.place,
        starts_at=starts,
        ends_at=ends,
        created_by=actor.username,
    )
    session.add(activity)
    session.flush()
    return activity


def _moment(at: datetime | None, field: str) -> datetime:
    moment = as_aware(at) if at else utcnow()
    if moment > utcnow() + FUTURE_TOLERANCE:
        raise ValidationFailed("时间不能晚于当前时间", field=field)
    return moment


def sign_in(
    session: Session, actor: Actor, volunteer_id: int, activity_id: int, at: datetime | None
) -> ServiceRecord:
    volunteer = repo.get_volunteer(session, actor, volunteer_id, for_update=True)
    activity = repo.get_activity(session, actor, activity_id)
    check_writable(actor, activity.community_code)
    moment = _moment(at, "at")
    if repo.open_record(session, volunteer.id) is not None:
        raise Conflict("该志愿者已签到且尚未签退", field="volunteer_id")
    record = ServiceRecord(
        volunteer_id=volunteer.id, activity_id=activity.id, signed_in_at=moment, recorded_by=actor.username
    )
    session.add(record)
    session.flush()
    return record


def _add_minutes(session: Session, actor: Actor, volunteer: Volunteer, minutes: int) -> None:
    before = volunteer.stars
    volunteer.service_minutes += minutes
    volunteer.stars = stars_for(volunteer.service_minutes)
    session.flush()
    if volunteer.stars != before:
        audit.record(
            session,
            actor=actor.username,
            action="volunteer.stars",
            target_type="volunteer",
            target_id=str(volunteer.id),
            detail={"from": before, "to": volunteer.stars},
        )


def sign_out(
    session: Session, actor: Actor, volunteer_id: int, activity_id: int, at: datetime | None
) -> ServiceRecord:
    volunteer = repo.get_volunteer(session, actor, volunteer_id, for_update=True)
    record = repo.open_record(session, volunteer.id)
    if record is None or record.activity_id != activity_id:
        raise Conflict("该志愿者在此活动没有未签退的签到记录", field="activity_id")
    activity = repo.get_activity(session, actor, activity_id)
    check_writable(actor, activity.community_code)
    moment = _moment(at, "at")
    served = moment - as_aware(record.signed_in_at)
    if served <= timedelta(0):
        raise ValidationFailed("签退时间必须晚于签到时间", field="at")
    if served > MAX_SESSION:
        raise ValidationFailed("单次服务时长超过 24 小时，请核对签退时间", field="at")
    record.signed_out_at = moment
    record.minutes = math.floor(served.total_seconds() / 60)
    _add_minutes(session, actor, volunteer, record.minutes)
    return record


def add_hours(session: Session, actor: Actor, volunteer_id: int, body: HoursIn) -> ServiceRecord:
    """补录: hours served outside a signed activity, with the reason kept."""
    volunteer = repo.get_volunteer(session, actor, volunteer_id, for_update=True)
    check_writable(actor, volunteer.community_code)
    served_at = datetime.combine(body.served_on, time(12), tzinfo=UTC)
    if served_at.date() > utcnow().date():
        raise ValidationFailed("服务日期不能晚于今天", field="served_on")
    minutes = round(body.hours * 60)
    record = ServiceRecord(
        volunteer_id=volunteer.id,
        activity_id=None,
        signed_in_at=served_at,
        signed_out_at=served_at,
        minutes=minutes,
        note=body.note,
        recorded_by=actor.username,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="volunteer.hours",
        target_type="volunteer",
        target_id=str(volunteer.id),
        detail={"minutes": minutes},
    )
    _add_minutes(session, actor, volunteer, minutes)
    return record
