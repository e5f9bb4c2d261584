"""Community pages: 议事厅 list and topic (forms act through the same services), volunteer pages and
the printable certificate (full name shown only there, and the view is audited)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from zhili.audit.models import AuditEntry


def test_hall_pages_and_forms(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    hall = worker.post(
        "/api/community/halls",
        json={"community_code": community, "name": "花家地议事厅", "established_on": "2024-01-01"},
    ).json()["id"]
    page = worker.get("/community/halls")
    assert page.status_code == 200 and "花家地议事厅" in page.text and "发起议题" in page.text
    made = worker.post(
        "/community/topics",
        data={"hall_id": str(hall), "title": "停车难", "description": "晚间车位不足"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    topic_url = made.headers["location"]
    assert (
        worker.post(
            topic_url + "/proposals",
            data={"title": "错时共享车位", "body": "与周边单位错时共享", "support_threshold": "1"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    resident = worker.post(
        "/api/community/residents",
        json={"community_code": community, "name": "赵六", "id_number": "110105198001011111"},
    ).json()["id"]
    topic = worker.get(topic_url)
    assert "错时共享车位" in topic.text and "登记附议" in topic.text
    proposal = worker.get("/api/community" + topic_url.removeprefix("/community")).json()["proposals"][0][
        "id"
    ]
    worker.post(f"/community/proposals/{proposal}/supports", data={"resident_id": str(resident)})
    worker.post(
        f"/community/proposals/{proposal}/votes", data={"resident_id": str(resident), "choice": "yes"}
    )
    twice = worker.post(
        f"/community/proposals/{proposal}/votes", data={"resident_id": str(resident), "choice": "no"}
    )
    assert twice.status_code == 409 and "不能重复投票" in twice.text
    bad = worker.post(f"/community/proposals/{proposal}/decision", data={"summary": ""})
    assert bad.status_code == 422 and "决议内容" in bad.text
    done = worker.post(
        f"/community/proposals/{proposal}/decision",
        data={"summary": "试行三个月", "follow_up_title": "签订共享协议", "follow_up_assignee": "社区居委会"},
    )
    assert done.status_code == 200 and "试行三个月" in done.text and "签订共享协议" in done.text
    minutes = worker.post(
        topic_url + "/meetings",
        data={
            "held_at": "2025-03-01T19:00",
            "place": "社区活动室",
            "attendees": "18",
            "minutes": "讨论错时停车",
        },
    )
    assert minutes.status_code == 200 and "讨论错时停车" in minutes.text and "18 人参加" in minutes.text
    future = worker.post(
        topic_url + "/meetings",
        data={"held_at": "2999-03-01T19:00", "place": "x", "attendees": "1", "minutes": "x"},
    )
    assert future.status_code == 422 and "会议时间" in future.text
    follow_up = worker.get("/api/community" + topic_url.removeprefix("/community")).json()["decisions"][0]
    closed = worker.post(f"/community/followups/{follow_up['follow_ups'][0]['id']}/done", data={})
    assert closed.status_code == 200 and "✓ 已完成" in closed.text
    assert client(app, "other_worker").get(topic_url).status_code == 404
    assert client(app, "operator").get("/community/halls").status_code == 403


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
