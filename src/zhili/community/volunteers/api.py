"""JSON routes for volunteers: registration, activities, sign-in/out, hours and statistics."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Query

from zhili.community.deps import Cipher
from zhili.community.policy import CommunityKeeper, CommunityReader
from zhili.community.volunteers import repository as repo
from zhili.community.volunteers import service
from zhili.community.volunteers.models import STAR_THRESHOLDS_HOURS, Volunteer, VolunteerActivity
from zhili.community.volunteers.schemas import ActivityIn, HoursIn, SignIn, VolunteerIn
from zhili.deps import DbSession
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import mask_name, mask_phone

router = APIRouter(prefix="/api/community", tags=["community-volunteers"])


def volunteer_view(volunteer: Volunteer, cipher: PersonalDataCipher) -> dict[str, Any]:
    """Names and phones are always masked in lists and API answers."""
    hours = volunteer.service_minutes / 60
    upcoming = next((t for t in STAR_THRESHOLDS_HOURS if hours < t), None)
    return {
        "id": volunteer.id,
        "community_code": volunteer.community_code,
        "name": mask_name(cipher.decrypt(volunteer.name_enc)),
        "phone": mask_phone(cipher.decrypt(volunteer.phone_enc)),
        "hours": round(hours, 2),
        "stars": volunteer.stars,
        "next_star_hours": upcoming,
        "registered_at": volunteer.registered_at.isoformat(),
    }


def activity_view(activity: VolunteerActivity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "community_code": activity.community_code,
        "title": activity.title,
        "place": activity.place,
        "starts_at": activity.starts_at.isoformat(),
        "ends_at": activity.ends_at.isoformat(),
    }


@router.post("/volunteers", status_code=201)
def register(body: VolunteerIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher) -> dict[str, Any]:
    return volunteer_view(service.register(session, actor, cipher, body), cipher)


@router.get("/volunteers")
def list_volunteers(
    actor: CommunityReader,
    session: DbSession,
    cipher: Cipher,
    division: str | None = Query(default=None, max_length=12),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0),
) -> dict[str, Any]:
    rows, total = repo.list_volunteers(session, actor, division, limit, offset)
    return {"total": total, "items": [volunteer_view(v, cipher) for v in rows]}


@router.get("/volunteers/stats")
def volunteer_stats(
    actor: CommunityReader, session: DbSession, division: str = Query(default="", max_length=12)
) -> dict[str, Any]:
    result = repo.stats(session, actor, division)
    return {**asdict(result), "meets_target": result.meets_target}


@router.get("/volunteers/{volunteer_id}")
def get_volunteer(
    volunteer_id: int, actor: CommunityReader, session: DbSession, cipher: Cipher
) -> dict[str, Any]:
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    records = [
        {
            "activity_id": r.activity_id,
            "signed_in_at": r.signed_in_at.isoformat(),
            "signed_out_at": r.signed_out_at.isoformat() if r.signed_out_at else None,
            "minutes": r.minutes,
            "note": r.note,
        }
        for r in repo.records(session, volunteer.id)
    ]
    return {**volunteer_view(volunteer, cipher), "records": records}


@router.post("/volunteers/{volunteer_id}/sign-in", status_code=201)
def sign_in(
    volunteer_id: int, body: SignIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> dict[str, Any]:
    record = service.sign_in(session, actor, volunteer_id, body.activity_id, body.at)
    return {"record_id": record.id, "signed_in_at": record.signed_in_at.isoformat()}


@router.post("/volunteers/{volunteer_id}/sign-out")
def sign_out(
    volunteer_id: int, body: SignIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> dict[str, Any]:
    record = service.sign_out(session, actor, volunteer_id, body.activity_id, body.at)
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    return {"minutes": record.minutes, "volunteer": volunteer_view(volunteer, cipher)}


@router.post("/volunteers/{volunteer_id}/hours", status_code=201)
def add_hours(
    volunteer_id: int, body: HoursIn, actor: CommunityKeeper, session: DbSession, cipher: Cipher
) -> dict[str, Any]:
    record = service.add_hours(session, actor, volunteer_id, body)
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    return {"minutes": record.minutes, "volunteer": volunteer_view(volunteer, cipher)}


@router.post("/activities", status_code=201)
def create_activity(body: ActivityIn, actor: CommunityKeeper, session: DbSession) -> dict[str, Any]:
    return activity_view(service.create_activity(session, actor, body))


@router.get("/activities")
def list_activities(
    actor: CommunityReader, session: DbSession, division: str | None = Query(default=None, max_length=12)
) -> list[dict[str, Any]]:
    return [activity_view(a) for a in repo.list_activities(session, actor, division)]
