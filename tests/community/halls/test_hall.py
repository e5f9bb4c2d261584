"""社区议事厅 end to end: a complaint cluster becomes a topic, a proposal gathers supports, goes to a
vote (one verified resident one vote, zone-restricted), is decided, and the decision reaches the cases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.answers import shaped
from community.governance_accounts import client, wangjing_communities
from support.cases import intake, staff
from zhili.audit.models import AuditEntry
from zhili.community.halls.models import DeliberationHall, Proposal, Topic, Vote
from zhili.community.halls.schemas import (
    HallCommentAddedOut,
    HallDecisionMadeOut,
    HallFollowUpDoneOut,
    HallMeetingRecordedOut,
    HallOut,
    HallProposalOut,
    HallTopicDetailOut,
    HallTopicOut,
    HallVoteCastOut,
)


def _resident(c: Any, community: str, n: int, zone: str | None = "3号楼") -> int:
    response = c.post(
        "/api/community/residents",
        json={
            "community_code": community,
            "name": f"居民{n}",
            "id_number": f"11010519800101{n:04d}",
            "zone": zone,
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"].startswith("居") and "*" in response.json()["name"]
    return int(response.json()["id"])


def _hall(c: Any, community: str) -> int:
    response = c.post(
        "/api/community/halls",
        json={
            "community_code": community,
            "name": "望京议事厅",
            "model_name": "五方共治",
            "established_on": "2024-03-01",
        },
    )
    assert response.status_code == 201, response.text
    hall = shaped(response, HallOut, 201)
    assert (hall["community_code"], hall["model_name"], hall["is_model"]) == (community, "五方共治", False)
    assert hall["established_on"] == "2024-03-01" and hall["street_code"] == community[:9]
    return int(response.json()["id"])


def test_cluster_to_topic_vote_decision_fed_back(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    desk = staff(app)
    community = wangjing_communities(session, 1)[0]
    codes = [intake(desk.operator), intake(desk.operator)]
    hall = _hall(worker, community)

    topic = worker.post(
        "/api/community/topics",
        json={
            "hall_id": hall,
            "title": "广场舞噪音",
            "description": "反复投诉的噪音问题",
            "case_codes": codes,
        },
    )
    assert topic.status_code == 201, topic.text
    topic_id = topic.json()["id"]
    assert topic.json()["source"] == "cases" and sorted(topic.json()["cases"]) == sorted(codes)
    opened = shaped(topic, HallTopicDetailOut, 201)
    assert (opened["hall_id"], opened["status"], opened["created_by"]) == (hall, "open", "cw_wangjing")
    assert opened["comments"] == opened["meetings"] == opened["proposals"] == opened["decisions"] == []
    listed = shaped(worker.get("/api/community/topics", params={"hall_id": hall}), list[HallTopicOut])
    assert [t["id"] for t in listed] == [topic_id] and listed[0]["created_at"] == opened["created_at"]
    assert [h["id"] for h in shaped(worker.get("/api/community/halls"), list[HallOut])] == [hall]

    assert (
        worker.post(f"/api/community/topics/{topic_id}/comments", json={"body": "建议限定时段"}).status_code
        == 201
    )
    said = worker.post(f"/api/community/topics/{topic_id}/comments", json={"body": "赞成"})
    assert shaped(said, HallCommentAddedOut, 201)["body"] == "赞成"
    meeting = worker.post(
        f"/api/community/topics/{topic_id}/meetings",
        json={
            "held_at": "2025-05-01T10:00:00+08:00",
            "place": "社区活动室",
            "attendees": 25,
            "minutes": "讨论限时方案",
        },
    )
    assert meeting.status_code == 201, meeting.text
    # The time comes back as it was given (ISO 8601 with its offset).
    assert shaped(meeting, HallMeetingRecordedOut, 201)["held_at"] == "2025-05-01T10:00:00+08:00"

    proposal = worker.post(
        f"/api/community/topics/{topic_id}/proposals",
        json={
            "title": "晚八点后停止音响",
            "body": "广场舞音响晚八点后关闭",
            "support_threshold": 2,
            "zone": "3号楼",
        },
    )
    assert shaped(proposal, HallProposalOut, 201)["votes"] == {"yes": 0, "no": 0, "abstain": 0}
    pid = proposal.json()["id"]
    a, b, c = (_resident(worker, community, n) for n in (1, 2, 3))
    outsider = _resident(worker, community, 4, zone="5号楼")

    # Not yet at the threshold: no vote.
    assert (
        worker.post(
            f"/api/community/proposals/{pid}/votes", json={"resident_id": a, "choice": "yes"}
        ).status_code
        == 409
    )
    assert (
        worker.post(f"/api/community/proposals/{pid}/supports", json={"resident_id": a}).json()["status"]
        == "collecting"
    )
    again = worker.post(f"/api/community/proposals/{pid}/supports", json={"resident_id": a})
    assert again.status_code == 409 and again.json()["error"]["field"] == "resident_id"
    # Zone restriction: a resident of another building may not support.
    zone = worker.post(f"/api/community/proposals/{pid}/supports", json={"resident_id": outsider})
    assert zone.status_code == 403 and "3号楼" in zone.json()["error"]["message"]
    reached = worker.post(f"/api/community/proposals/{pid}/supports", json={"resident_id": b}).json()
    assert reached["status"] == "voting" and reached["supports"] == 2
    assert reached["status_label"] == "投票中"

    for resident, choice in ((a, "yes"), (b, "yes"), (c, "no")):
        response = worker.post(
            f"/api/community/proposals/{pid}/votes", json={"resident_id": resident, "choice": choice}
        )
        assert response.status_code == 201, response.text
        assert shaped(response, HallVoteCastOut, 201)["proposal"]["id"] == pid
    assert response.json()["proposal"]["votes"] == {"yes": 2, "no": 1, "abstain": 0}
    double = worker.post(f"/api/community/proposals/{pid}/votes", json={"resident_id": a, "choice": "no"})
    assert double.status_code == 409
    assert double.json()["error"]["message"] == "该居民已对本提案投票，不能重复投票"
    assert (
        session.execute(select(func.count()).select_from(Vote).where(Vote.proposal_id == pid)).scalar_one()
        == 3
    )
    outsider_vote = worker.post(
        f"/api/community/proposals/{pid}/votes", json={"resident_id": outsider, "choice": "yes"}
    )
    assert outsider_vote.status_code == 403

    decided = worker.post(
        f"/api/community/proposals/{pid}/decision",
        json={
            "summary": "晚八点后停止使用音响",
            "follow_ups": [{"title": "张贴公告", "assignee": "物业", "due_on": "2025-06-01"}],
        },
    )
    assert decided.status_code == 201, decided.text
    body = shaped(decided, HallDecisionMadeOut, 201)
    assert body["adopted"] is True
    decision = body["topic"]["decisions"][0]
    assert (decision["yes"], decision["no"], decision["abstain"]) == (2, 1, 0)
    assert decision["follow_ups"][0]["due_on"] == "2025-06-01" and decision["follow_ups"][0]["done"] is False
    assert body["topic"]["proposals"][0]["status"] == "adopted" and len(body["topic"]["comments"]) == 2
    assert body["topic"]["meetings"][0]["attendees"] == 25
    assert session.get(Proposal, pid).status.value == "adopted"  # type: ignore[union-attr]
    # Voting is closed once decided.
    assert (
        worker.post(
            f"/api/community/proposals/{pid}/votes", json={"resident_id": c, "choice": "yes"}
        ).status_code
        == 409
    )

    # The decision is in the public history of each case of the cluster.
    for code in codes:
        history = desk.operator.get(f"/api/cases/{code}").json()["events"]
        notes = [e.get("note") or "" for e in history]
        assert any("社区议事厅决议（通过）：晚八点后停止使用音响" in note for note in notes), notes
        assert desk.operator.get(f"/cases/{code}").status_code == 200  # the case page shows these events

    follow_up = decision["follow_ups"][0]
    done = worker.post(f"/api/community/followups/{follow_up['id']}/done", json={})
    assert done.status_code == 200
    assert shaped(done, HallFollowUpDoneOut) == {"id": follow_up["id"], "done": True}
    again = shaped(worker.get(f"/api/community/topics/{topic_id}"), HallTopicDetailOut)
    assert again["decisions"][0]["follow_ups"][0]["done"] is True
    assert worker.post(f"/api/community/followups/{follow_up['id']}/done", json={}).status_code == 409
    actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("community.%"))))
    assert {"community.topic.create", "community.vote", "community.decision"} <= actions


def test_bad_inputs_are_refused_and_nothing_is_written(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    other = client(app, "other_worker")
    community = wangjing_communities(session, 1)[0]
    halls_before = session.execute(select(func.count()).select_from(DeliberationHall)).scalar_one()

    unknown = worker.post(
        "/api/community/halls",
        json={"community_code": "110105026999", "name": "x", "established_on": "2024-01-01"},
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "community_code"
    outside = other.post(
        "/api/community/halls",
        json={"community_code": community, "name": "x", "established_on": "2024-01-01"},
    )
    assert outside.status_code == 403
    missing = worker.post("/api/community/halls", json={"community_code": community, "name": ""})
    assert missing.status_code == 422
    assert session.execute(select(func.count()).select_from(DeliberationHall)).scalar_one() == halls_before

    hall = _hall(worker, community)
    assert (
        worker.post(
            "/api/community/halls",
            json={"community_code": community, "name": "again", "established_on": "2024-01-01"},
        ).status_code
        == 409
    )
    # A cluster needs two readable cases; an unknown code is a 404 naming the field, and no topic is made.
    lone = worker.post(
        "/api/community/topics",
        json={"hall_id": hall, "title": "t", "description": "d", "case_codes": ["BJ1"]},
    )
    assert lone.status_code == 422 and lone.json()["error"]["field"] == "case_codes"
    ghost = worker.post(
        "/api/community/topics",
        json={"hall_id": hall, "title": "t", "description": "d", "case_codes": ["BJ1", "BJ2"]},
    )
    assert ghost.status_code == 404 and ghost.json()["error"]["field"] == "case_codes"
    assert session.execute(select(func.count()).select_from(Topic)).scalar_one() == 0
    # Other streets cannot see the hall at all.
    assert other.get("/api/community/topics").json() == []
    assert (
        other.post(
            "/api/community/topics", json={"hall_id": hall, "title": "t", "description": "d"}
        ).status_code
        == 404
    )
    bad_id = worker.post(
        "/api/community/residents",
        json={"community_code": community, "name": "张三", "id_number": "123"},
    )
    assert bad_id.status_code == 422 and bad_id.json()["error"]["field"] == "id_number"
