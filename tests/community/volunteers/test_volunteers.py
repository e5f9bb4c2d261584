"""Volunteers: registration, sign-in/out at an activity, hours crossing a star threshold, statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.answers import shaped
from community.governance_accounts import client, wangjing_communities
from zhili.audit.models import AuditEntry
from zhili.community.volunteers.models import ServiceRecord, Volunteer, stars_for
from zhili.community.volunteers.schemas import (
    MinutesServedOut,
    SignedInOut,
    VolunteerActivityOut,
    VolunteerDetailOut,
    VolunteerOut,
    VolunteerPageOut,
    VolunteerStatsOut,
)


def _activity(c: Any, community: str) -> int:
    response = c.post(
        "/api/community/activities",
        json={
            "community_code": community,
            "title": "社区环境清洁",
            "place": "望京西园",
            "starts_at": "2025-01-01T08:00:00+08:00",
            "ends_at": "2025-01-01T18:00:00+08:00",
        },
    )
    assert response.status_code == 201, response.text
    activity = shaped(response, VolunteerActivityOut, 201)
    # Times come back as they were given (ISO 8601 with the offset).
    assert (activity["starts_at"], activity["place"]) == ("2025-01-01T08:00:00+08:00", "望京西园")
    return int(response.json()["id"])


def test_star_thresholds() -> None:
    assert [stars_for(h * 60) for h in (0, 99, 100, 299, 300, 600, 999, 1000, 1499, 1500, 5000)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
    ]


def test_hours_cross_a_star_threshold(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    registered = worker.post(
        "/api/community/volunteers",
        json={"community_code": community, "name": "李志愿", "phone": "13900001111"},
    )
    assert registered.status_code == 201, registered.text
    vid = registered.json()["id"]
    assert registered.json()["name"] == "李**" and registered.json()["phone"] == "139****1111"
    fresh = shaped(registered, VolunteerOut, 201)
    assert (fresh["hours"], fresh["stars"], fresh["next_star_hours"]) == (0, 0, 100)
    activity = _activity(worker, community)
    listed = shaped(
        worker.get("/api/community/activities", params={"division": community}), list[VolunteerActivityOut]
    )
    assert [a["id"] for a in listed] == [activity]

    # 95 hours already served (补录 with evidence), then a 6-hour activity crosses 100 hours: 1 star.
    for _ in range(5):
        backfill = worker.post(
            f"/api/community/volunteers/{vid}/hours",
            json={"hours": 19, "served_on": "2024-10-01", "note": "志愿北京平台历史时长"},
        )
        assert backfill.status_code == 201, backfill.text
    assert backfill.json()["volunteer"]["stars"] == 0
    assert shaped(backfill, MinutesServedOut, 201)["minutes"] == 19 * 60
    start = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    signed_in = worker.post(
        f"/api/community/volunteers/{vid}/sign-in",
        json={"activity_id": activity, "at": start.isoformat()},
    )
    assert signed_in.status_code == 201
    assert shaped(signed_in, SignedInOut, 201)["signed_in_at"] == "2025-01-01T01:00:00+00:00"
    twice = worker.post(f"/api/community/volunteers/{vid}/sign-in", json={"activity_id": activity})
    assert twice.status_code == 409
    out = worker.post(
        f"/api/community/volunteers/{vid}/sign-out",
        json={"activity_id": activity, "at": (start + timedelta(hours=6)).isoformat()},
    )
    assert out.status_code == 200, out.text
    assert out.json()["minutes"] == 360
    volunteer = out.json()["volunteer"]
    assert volunteer["hours"] == 101 and volunteer["stars"] == 1 and volunteer["next_star_hours"] == 300
    assert shaped(out, MinutesServedOut)["volunteer"]["id"] == vid
    detail = shaped(worker.get(f"/api/community/volunteers/{vid}"), VolunteerDetailOut)
    assert detail["hours"] == 101 and len(detail["records"]) == 6
    signed = detail["records"][-1]
    assert (signed["activity_id"], signed["minutes"], signed["note"]) == (activity, 360, None)
    assert signed["signed_out_at"] == "2025-01-01T07:00:00+00:00"
    assert (
        detail["records"][0]["activity_id"] is None and detail["records"][0]["note"] == "志愿北京平台历史时长"
    )
    page = shaped(worker.get("/api/community/volunteers", params={"division": community}), VolunteerPageOut)
    assert page["total"] == 1 and page["items"][0]["name"] == "李**"
    star_audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "volunteer.stars")).all()
    assert len(star_audit) == 1 and "李" not in (star_audit[0].detail or "")

    stats = worker.get("/api/community/volunteers/stats", params={"division": community}).json()
    assert stats["volunteers"] == 1 and stats["stars"]["1"] == 1
    stats = shaped(
        worker.get("/api/community/volunteers/stats", params={"division": community}), VolunteerStatsOut
    )
    assert stats["stars"] == {"0": 0, "1": 1, "2": 0, "3": 0, "4": 0, "5": 0} and stats["hours"] == 101.0
    assert stats["division"] == community and stats["target"] == 0.21


def test_share_against_population(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    a, b = wangjing_communities(session, 2)
    for code, population in ((a, 30), (b, 70)):
        profile = worker.put(
            f"/api/community/profiles/{code}",
            json={"population": population, "households": 40, "service_space_m2": 400},
        )
        assert profile.status_code == 200, profile.text
    for n in range(21):
        r = worker.post(
            "/api/community/volunteers",
            json={"community_code": a if n % 2 else b, "name": f"志愿者{n}", "phone": f"1370000{n:04d}"},
        )
        assert r.status_code == 201, r.text
    stats = worker.get("/api/community/volunteers/stats", params={"division": "110105026"}).json()
    shaped(worker.get("/api/community/volunteers/stats", params={"division": "110105026"}), VolunteerStatsOut)
    # 21 volunteers / 100 residents = 21%: exactly the plan's target.
    assert stats["population"] == 100 and stats["volunteers"] == 21
    assert stats["share"] == 0.21 and stats["meets_target"] is True


def test_bad_volunteer_inputs_write_nothing(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    other = client(app, "other_worker")
    community = wangjing_communities(session, 1)[0]
    before = session.execute(select(func.count()).select_from(Volunteer)).scalar_one()
    bad_phone = worker.post(
        "/api/community/volunteers", json={"community_code": community, "name": "王五", "phone": "12345"}
    )
    assert bad_phone.status_code == 422 and bad_phone.json()["error"]["field"] == "phone"
    outside = other.post(
        "/api/community/volunteers",
        json={"community_code": community, "name": "王五", "phone": "13900002222"},
    )
    assert outside.status_code == 403
    assert session.execute(select(func.count()).select_from(Volunteer)).scalar_one() == before

    vid = worker.post(
        "/api/community/volunteers",
        json={"community_code": community, "name": "王五", "phone": "13900002222"},
    ).json()["id"]
    dup = worker.post(
        "/api/community/volunteers",
        json={"community_code": community, "name": "王六", "phone": "139 0000 2222"},
    )
    assert dup.status_code in (409, 422)
    too_long = worker.post(
        f"/api/community/volunteers/{vid}/hours", json={"hours": 30, "served_on": "2024-10-01", "note": "x"}
    )
    assert too_long.status_code == 422 and too_long.json()["error"]["field"] == "hours"
    no_note = worker.post(
        f"/api/community/volunteers/{vid}/hours", json={"hours": 3, "served_on": "2024-10-01"}
    )
    assert no_note.status_code == 422 and no_note.json()["error"]["field"] == "note"
    activity = _activity(worker, community)
    not_in = worker.post(f"/api/community/volunteers/{vid}/sign-out", json={"activity_id": activity})
    assert not_in.status_code == 409 and not_in.json()["error"]["field"] == "activity_id"
    start = datetime(2025, 1, 1, 1, 0, tzinfo=UTC)
    worker.post(
        f"/api/community/volunteers/{vid}/sign-in", json={"activity_id": activity, "at": start.isoformat()}
    )
    marathon = worker.post(
        f"/api/community/volunteers/{vid}/sign-out",
        json={"activity_id": activity, "at": (start + timedelta(hours=30)).isoformat()},
    )
    assert marathon.status_code == 422 and marathon.json()["error"]["field"] == "at"
    assert session.get(Volunteer, vid).service_minutes == 0  # type: ignore[union-attr]
    assert (
        session.execute(
            select(func.count()).select_from(ServiceRecord).where(ServiceRecord.minutes.is_not(None))
        ).scalar_one()
        == 0
    )
    assert other.get(f"/api/community/volunteers/{vid}").status_code == 404
