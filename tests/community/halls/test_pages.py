"""议事厅 pages: the list of halls and topics, a topic opened from the page, and the forms that act on
it through the same services as the API (proposals, supports, votes, decisions, follow-ups)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities


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
