"""The shapes of 议事厅 data that the API and the pages show (no personal data)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from zhili.community.halls import repository as halls
from zhili.community.halls.models import (
    PROPOSAL_STATUS_LABELS,
    DeliberationHall,
    Proposal,
    Topic,
)


def hall_view(hall: DeliberationHall) -> dict[str, Any]:
    return {
        "id": hall.id,
        "community_code": hall.community_code,
        "street_code": hall.street_code,
        "name": hall.name,
        "model_name": hall.model_name,
        "is_model": hall.is_model,
        "established_on": hall.established_on.isoformat(),
    }


def topic_view(topic: Topic) -> dict[str, Any]:
    return {
        "id": topic.id,
        "hall_id": topic.hall_id,
        "community_code": topic.community_code,
        "title": topic.title,
        "description": topic.description,
        "source": topic.source.value,
        "status": topic.status.value,
        "created_by": topic.created_by,
        "created_at": topic.created_at.isoformat(),
    }


def proposal_view(proposal: Proposal, supports: int, votes: dict[str, int]) -> dict[str, Any]:
    return {
        "id": proposal.id,
        "topic_id": proposal.topic_id,
        "title": proposal.title,
        "body": proposal.body,
        "zone": proposal.zone,
        "support_threshold": proposal.support_threshold,
        "supports": supports,
        "status": proposal.status.value,
        "status_label": PROPOSAL_STATUS_LABELS[proposal.status],
        "votes": {"yes": votes.get("yes", 0), "no": votes.get("no", 0), "abstain": votes.get("abstain", 0)},
    }


def topic_detail(session: Session, topic: Topic) -> dict[str, Any]:
    proposals = halls.proposals(session, topic.id)
    supports, votes = halls.counts(session, [p.id for p in proposals])
    decisions = halls.decisions(session, topic.id)
    follow_ups = halls.follow_ups(session, [d.id for d in decisions])
    return {
        **topic_view(topic),
        "cases": [case.code for case in halls.topic_cases(session, topic.id)],
        "comments": [
            {"author": c.author, "body": c.body, "created_at": c.created_at.isoformat()}
            for c in halls.comments(session, topic.id)
        ],
        "meetings": [
            {
                "id": m.id,
                "held_at": m.held_at.isoformat(),
                "place": m.place,
                "attendees": m.attendees,
                "minutes": m.minutes,
            }
            for m in halls.meetings(session, topic.id)
        ],
        "proposals": [proposal_view(p, supports.get(p.id, 0), votes.get(p.id, {})) for p in proposals],
        "decisions": [
            {
                "id": d.id,
                "proposal_id": d.proposal_id,
                "adopted": d.adopted,
                "yes": d.yes,
                "no": d.no,
                "abstain": d.abstain,
                "summary": d.summary,
                "decided_at": d.decided_at.isoformat(),
                "follow_ups": [
                    {
                        "id": f.id,
                        "title": f.title,
                        "assignee": f.assignee,
                        "due_on": f.due_on.isoformat() if f.due_on else None,
                        "done": f.done_at is not None,
                    }
                    for f in follow_ups
                    if f.decision_id == d.id
                ],
            }
            for d in decisions
        ],
    }
