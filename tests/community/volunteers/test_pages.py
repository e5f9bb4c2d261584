"""Volunteer pages: the register (masked), one volunteer's record with sign-in/out and hours, and the
printable certificate (full name shown only there, and the view is audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from zhili.audit.models import AuditEntry


def test_volunteer_pages_and_certificate(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    made = worker.post(
        "/community/volunteers",
        data={"community_code": community, "name": "孙志愿", "phone": "13911112222"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    listing = worker.get("/community/volunteers")
    assert listing.status_code == 200 and "孙**" in listing.text and "孙志愿" not in listing.text
    assert "139****2222" in listing.text
    worker.post(url + "/hours", data={"hours": "24", "served_on": "2024-05-01", "note": "历史时长"})
    detail = worker.get(url)
    assert "24.0" in detail.text and "距下一星级" in detail.text
    refused = worker.post(url + "/hours", data={"hours": "abc", "served_on": "2024-05-01", "note": "x"})
    assert refused.status_code == 422
    certificate = worker.get(url + "/certificate")
    assert (
        certificate.status_code == 200 and "孙志愿" in certificate.text and "@media print" in certificate.text
    )
    audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "volunteer.certificate")).all()
    assert len(audited) == 1 and "孙" not in (audited[0].detail or "")


def test_volunteer_sign_in_and_out_on_the_page(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    vid = worker.post(
        "/api/community/volunteers",
        json={"community_code": community, "name": "吴志愿", "phone": "13933334444"},
    ).json()["id"]
    activity = worker.post(
        "/api/community/activities",
        json={
            "community_code": community,
            "title": "敬老助餐",
            "place": "养老驿站",
            "starts_at": "2025-02-01T09:00:00+08:00",
            "ends_at": "2025-02-01T12:00:00+08:00",
        },
    ).json()["id"]
    page = worker.get(f"/community/volunteers/{vid}")
    assert "敬老助餐" in page.text and "签到" in page.text
    signed = worker.post(
        f"/community/volunteers/{vid}/sign-in", data={"activity_id": str(activity), "at": "2025-02-01T09:00"}
    )
    assert signed.status_code == 200 and "签退" in signed.text
    early = worker.post(
        f"/community/volunteers/{vid}/sign-out", data={"activity_id": str(activity), "at": "2025-02-01T08:00"}
    )
    assert early.status_code == 422 and "签退时间必须晚于签到时间" in early.text
    out = worker.post(
        f"/community/volunteers/{vid}/sign-out", data={"activity_id": str(activity), "at": "2025-02-01T11:30"}
    )
    assert out.status_code == 200 and "2.5" in out.text
