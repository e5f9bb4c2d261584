"""JSON routes for volunteers: registration, activities, sign-in/out, hours and statistics."""

from __future__ import annotations

from fastapi import APIRouter, Query

from zhili.auth.scope import Actor
from zhili.community.deps import Cipher
from zhili.community.policy import CommunityKeeper, CommunityReader
from zhili.community.volunteers import repository as repo
from zhili.community.volunteers import service
from zhili.community.volunteers.models import STAR_THRESHOLDS_HOURS, Volunteer, VolunteerActivity
from zhili.community.volunteers.schemas import (
    ActivityIn,
    HoursIn,
    MinutesServedOut,
    ServiceRecordOut,
    SignedInOut,
    SignIn,
    VolunteerActivityOut,
    VolunteerDetailOut,
    VolunteerIn,
    VolunteerOut,
    VolunteerPageOut,
    VolunteerStatsOut,
)
from zhili.deps import DbSession
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_name, mask_phone

router = APIRouter(prefix="/api/community", tags=["community-volunteers"])


def volunteer_view(volunteer: Volunteer, cipher: PersonalDataCipher) -> VolunteerOut:
    """Names and phones are always masked in lists and API answers."""
    hours = volunteer.service_minutes / 60
    upcoming = next((t for t in STAR_THRESHOLDS_HOURS if hours < t), None)
    return VolunteerOut(
        id=volunteer.id,
        community_code=volunteer.community_code,
        name=mask_name(cipher.decrypt(volunteer.name_enc)),
        phone=mask_phone(cipher.decrypt(volunteer.phone_enc)),
        hours=round(hours, 2),
        stars=volunteer.stars,
        next_star_hours=upcoming,
        registered_at=volunteer.registered_at.isoformat(),
    )


def activity_view(activity: VolunteerActivity) -> VolunteerActivityOut:
    return VolunteerActivityOut(
        id=activity.id,
        community_code=activity.community_code,
        title=activity.title,
        place=activity.place,
        starts_at=activity.starts_at.isoformat(),
        ends_at=activity.ends_at.isoformat(),
    )


@router.post("/volunteers", response_model=VolunteerOut, status_code=201)
def register(body: VolunteerIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher) -> VolunteerOut:
    return volunteer_view(service.register(session, actor, cipher, body), cipher)


@router.get("/volunteers", response_model=VolunteerPageOut)
def list_volunteers(
    actor: CommunityReader,
    session: DbSession,
    cipher: Cipher,
    division: str | None = Query(default=None, max_length=12),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> VolunteerPageOut:
    rows, total = repo.list_volunteers(session, actor, division, limit, offset)
    return VolunteerPageOut(total=total, items=[volunteer_view(v, cipher) for v in rows])


@router.get("/volunteers/stats", response_model=VolunteerStatsOut)
def volunteer_stats(
    actor: CommunityReader, session: DbSession, division: str = Query(default="", max_length=12)
) -> VolunteerStatsOut:
    return repo.stats(session, actor, division)


@router.get("/volunteers/{volunteer_id}", response_model=VolunteerDetailOut)
def get_volunteer(
    volunteer_id: int, actor: CommunityReader, session: DbSession, cipher: Cipher
) -> VolunteerDetailOut:
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    records = [
        ServiceRecordOut(
            activity_id=r.activity_id,
            signed_in_at=r.signed_in_at.isoformat(),
            signed_out_at=r.signed_out_at.isoformat() if r.signed_out_at else None,
            minutes=r.minutes,
            note=r.note,
        )
        for r in repo.records(session, volunteer.id)
    ]
    return VolunteerDetailOut(**dict(volunteer_view(volunteer, cipher)), records=records)


@router.post("/volunteers/{volunteer_id}/sign-in", response_model=SignedInOut, status_code=201)
def sign_in(
    volunteer_id: int, body: SignIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> SignedInOut:
    record = service.sign_in(session, actor, volunteer_id, body.activity_id, body.at)
    return SignedInOut(record_id=record.id, signed_in_at=record.signed_in_at.isoformat())


def _served(
    session: DbSession, actor: Actor, cipher: PersonalDataCipher, volunteer_id: int, minutes: int | None
) -> MinutesServedOut:
    assert minutes is not None  # a record signed out or entered afterwards always has its minutes
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    return MinutesServedOut(minutes=minutes, volunteer=volunteer_view(volunteer, cipher))


@router.post("/volunteers/{volunteer_id}/sign-out", response_model=MinutesServedOut)
def sign_out(
    volunteer_id: int, body: SignIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> MinutesServedOut:
    record = service.sign_out(session, actor, volunteer_id, body.activity_id, body.at)
    return _served(session, actor, cipher, volunteer_id, record.minutes)


@router.post("/volunteers/{volunteer_id}/hours", response_model=MinutesServedOut, status_code=201)
def add_hours(
    volunteer_id: int, body: HoursIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> MinutesServedOut:
    record = service.add_hours(session, actor, volunteer_id, body)
    return _served(session, actor, cipher, volunteer_id, record.minutes)


@router.post("/activities", response_model=VolunteerActivityOut, status_code=201)
def create_activity(body: ActivityIn, actor: CommunityKeeper, session: DbSession) -> VolunteerActivityOut:
    return activity_view(service.create_activity(session, actor, body))


@router.get("/activities", response_model=list[VolunteerActivityOut])
def list_activities(
    actor: CommunityReader, session: DbSession, division: str | None = Query(default=None, max_length=12)
) -> list[VolunteerActivityOut]:
    return [activity_view(a) for a in repo.list_activities(session, actor, division)]
