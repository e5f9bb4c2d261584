"""Volunteer pages: statistics against the plan's 21% target, the register (masked), one volunteer's
service record, and a printable service certificate (the one place the full name is shown; audited)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.community.deps import Cipher
from zhili.community.forms import form_data, parse
from zhili.community.policy import CommunityKeeper, CommunityReader
from zhili.community.volunteers import repository as repo
from zhili.community.volunteers import service
from zhili.community.volunteers.api import activity_view, volunteer_view
from zhili.community.volunteers.models import STAR_THRESHOLDS_HOURS
from zhili.community.volunteers.schemas import HoursIn, SignIn, VolunteerIn
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.divisions.models import DivisionLevel
from zhili.errors import ZhiliError
from zhili.kernel.clock import as_aware, local_today, local_zone
from zhili.kernel.crypto import PersonalDataCipher
from zhili.web.paging import pager, total_text, usable_cursor
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
ROSTER_PAGE = 100  # volunteers per page of the register


@router.get("/community/volunteers", response_class=HTMLResponse)
def volunteers_page(
    request: Request,
    session: DbSession,
    actor: CommunityReader,
    cipher: Cipher,
    size: Annotated[int, Query(ge=1, le=ROSTER_PAGE)] = ROSTER_PAGE,
) -> HTMLResponse:
    return _page(request, session, actor, cipher, size=size)


def _page(
    request: Request,
    session: Session,
    actor: Actor,
    cipher: PersonalDataCipher,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    size: int = ROSTER_PAGE,
) -> HTMLResponse:
    cursor, message = usable_cursor(request.query_params.get(repo.ROSTER), repo.ROSTER, None)
    rows, following = repo.roster_page(session, actor, limit=size, cursor=cursor)
    stats = repo.stats(session, actor)
    params = {"size": str(size)} if size != ROSTER_PAGE else {}
    total = total_text(repo.count_volunteers(session, actor), False, unit="人")
    context = {
        "stats": stats,
        "volunteers": [volunteer_view(v, cipher) for v in rows],
        "pager": pager(
            request.url.path,
            {**params, **({repo.ROSTER: cursor} if cursor else {})},
            repo.ROSTER,
            following,
            total,
            message,
            empty=not rows,
        ),
        "activities": [activity_view(a) for a in repo.list_activities(session, actor)[:10]],
        "thresholds": STAR_THRESHOLDS_HOURS,
        "form": form or {},
        "errors": errors or {},
    }
    return render(request, "community/volunteers.html", context, status=status)


@router.post("/community/volunteers")
async def register(request: Request, session: DbSession, actor: CommunityKeeper, cipher: Cipher) -> Response:
    data = await form_data(request)
    typed = str(data.get("community_code", "")).strip()
    if typed and not typed.isdigit():  # a community's name is accepted as well as its code
        data["community_code"] = divisions.code_by_name(session, typed, DivisionLevel.community) or typed
    try:
        volunteer = service.register(session, actor, cipher, parse(VolunteerIn, data))
    except ZhiliError as refused:
        # The form comes back as typed, the refusal beside its field.
        return _page(request, session, actor, cipher, data, refused.form_errors(), refused.status)
    return see_other(request, f"/community/volunteers/{volunteer.id}")


@router.get("/community/volunteers/{volunteer_id}", response_class=HTMLResponse)
def volunteer_page(
    request: Request, volunteer_id: int, session: DbSession, actor: CommunityReader, cipher: Cipher
) -> HTMLResponse:
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    open_record = repo.open_record(session, volunteer.id)
    context = {
        "v": volunteer_view(volunteer, cipher),
        "records": repo.records(session, volunteer.id),
        "thresholds": STAR_THRESHOLDS_HOURS,
        "activities": [
            activity_view(a) for a in repo.list_activities(session, actor, volunteer.community_code)
        ],
        "open_activity": open_record.activity_id if open_record else None,
    }
    return render(request, "community/volunteer.html", context)


@router.post("/community/volunteers/{volunteer_id}/hours")
async def add_hours(
    request: Request, volunteer_id: int, session: DbSession, actor: CommunityKeeper
) -> Response:
    service.add_hours(session, actor, volunteer_id, parse(HoursIn, await form_data(request)))
    return see_other(request, f"/community/volunteers/{volunteer_id}")


@router.get("/community/volunteers/{volunteer_id}/certificate", response_class=HTMLResponse)
def certificate(
    request: Request, volunteer_id: int, session: DbSession, actor: CommunityReader, cipher: Cipher
) -> HTMLResponse:
    volunteer = repo.get_volunteer(session, actor, volunteer_id)
    audit.record(
        session,
        actor=actor.username,
        action="volunteer.certificate",
        target_type="volunteer",
        target_id=str(volunteer.id),
    )
    community = divisions.get(session, volunteer.community_code)
    zone = request.app.state.settings.timezone
    context = {
        "name": cipher.decrypt(volunteer.name_enc),
        "community": community.name if community else volunteer.community_code,
        "hours": round(volunteer.service_minutes / 60, 1),
        "stars": volunteer.stars,
        "number": f"ZY{volunteer.community_code}{volunteer.id:06d}",
        "issued_on": local_today(zone),
        "registered_on": as_aware(volunteer.registered_at).astimezone(local_zone(zone)).date(),
    }
    return render(request, "community/certificate.html", context)


def _sign_form(data: dict[str, str]) -> SignIn:
    at = data.get("at", "")
    if len(at) == 16:  # <input type=datetime-local> is the city's local time
        data["at"] = at + ":00+08:00"
    return parse(SignIn, data)


@router.post("/community/volunteers/{volunteer_id}/sign-in")
async def sign_in(
    request: Request, volunteer_id: int, session: DbSession, actor: CommunityKeeper
) -> Response:
    body = _sign_form(await form_data(request))
    service.sign_in(session, actor, volunteer_id, body.activity_id, body.at)
    return see_other(request, f"/community/volunteers/{volunteer_id}")


@router.post("/community/volunteers/{volunteer_id}/sign-out")
async def sign_out(
    request: Request, volunteer_id: int, session: DbSession, actor: CommunityKeeper
) -> Response:
    body = _sign_form(await form_data(request))
    service.sign_out(session, actor, volunteer_id, body.activity_id, body.at)
    return see_other(request, f"/community/volunteers/{volunteer_id}")
