"""Out-shapes of suggestions and campaigns: summaries, the full view (the suggester as the actor may
see them), the citizen's tracking view and the public 优秀建议 list (no personal data in either)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.kernel.clock import as_aware
from zhili.kernel.crypto import PersonalDataCipher
from zhili.kernel.masking import ID_NUMBER, MOBILE
from zhili.suggestions import repository as suggestions
from zhili.suggestions.models import Suggestion, SuggestionCampaign
from zhili.suggestions.privacy import suggester_for
from zhili.suggestions.schemas import (
    CampaignOut,
    ExcellentOut,
    SuggestionOut,
    SuggestionStepOut,
    SuggestionSummaryOut,
    SuggestionTrackOut,
    TrackStepOut,
)
from zhili.suggestions.states import RULES, SOURCE_LABELS, STATE_LABELS

EXCERPT = 80
# Who took a step, when it was not a staff account: the citizen on the portal, or the demo data.
ACTOR_LABELS = {"suggestion-portal": "建议人", "demo": "演示数据"}
# What the suggester's tracking page says of each step (staff notes are never shown).
PUBLIC_STEPS = {
    "submit": "建议已收到",
    "review": "人民建议征集办公室开始审阅",
    "forward": "已转相关部门研提意见",
    "adopt": "审阅结论：采纳",
    "partly_adopt": "审阅结论：部分采纳",
    "keep": "审阅结论：留存参考",
    "decline": "审阅结论：不予采纳",
    "record_result": "已登记成果转化",
    "mark_excellent": "评为年度优秀建议",
}


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[:EXCERPT] + "…"


def scrubbed(text: str) -> str:
    """Text for the public list: a phone or an ID number a suggester typed into it is hidden."""
    return MOBILE.sub("（已隐藏）", ID_NUMBER.sub("（已隐藏）", text))


def _summary_fields(session: Session, s: Suggestion) -> dict[str, object]:
    campaign = suggestions.campaign_of(session, s.campaign_id)
    return {
        "code": s.code,
        "source": s.source,
        "source_label": SOURCE_LABELS[s.source],
        "title": s.title,
        "excerpt": excerpt(s.content),
        "division_code": s.division_code,
        "campaign": campaign.title if campaign else None,
        "department": suggestions.unit_name(session, s.department_unit_id),
        "state": s.state,
        "state_label": STATE_LABELS[s.state],
        "received_at": as_aware(s.received_at),
        "excellent_year": s.excellent_year,
    }


def summary(session: Session, s: Suggestion) -> SuggestionSummaryOut:
    return SuggestionSummaryOut.model_validate(_summary_fields(session, s))


def detail(session: Session, actor: Actor, s: Suggestion, cipher: PersonalDataCipher) -> SuggestionOut:
    steps = [
        SuggestionStepOut(
            action=step.action,
            label=RULES[step.action].label if step.action in RULES else "收到建议",
            to_state=step.to_state,
            actor=ACTOR_LABELS.get(step.actor, step.actor),
            at=as_aware(step.at),
            note=step.note,
        )
        for step in suggestions.steps_of(session, s.id)
    ]
    return SuggestionOut.model_validate(
        {
            **_summary_fields(session, s),
            "content": s.content,
            "office": suggestions.unit_name(session, s.office_unit_id) or "",
            "department_opinion": s.department_opinion,
            "reason": s.reason,
            "result": s.result,
            "consent_publish": s.consent_publish,
            "case_code": suggestions.case_code(session, s.case_id),
            "suggester": suggester_for(session, actor, s, cipher),
            "steps": steps,
        }
    )


def tracked(session: Session, s: Suggestion) -> SuggestionTrackOut:
    campaign = suggestions.campaign_of(session, s.campaign_id)
    steps = [
        TrackStepOut(label=PUBLIC_STEPS[step.action], at=as_aware(step.at))
        for step in suggestions.steps_of(session, s.id)
        if step.action in PUBLIC_STEPS
    ]
    return SuggestionTrackOut(
        code=s.code,
        title=s.title,
        received_at=as_aware(s.received_at),
        state_label=STATE_LABELS[s.state],
        campaign=campaign.title if campaign else None,
        reason=s.reason,
        result=s.result,
        excellent_year=s.excellent_year,
        steps=steps,
    )


def campaign_out(c: SuggestionCampaign, department: str, count: int, today: date) -> CampaignOut:
    return CampaignOut(
        code=c.code,
        title=c.title,
        topic=c.topic,
        department=department,
        division_code=c.division_code,
        opens_on=c.opens_on,
        closes_on=c.closes_on,
        open=c.opens_on <= today <= c.closes_on,
        suggestions=count,
    )


def excellent_out(session: Session, s: Suggestion) -> ExcellentOut:
    campaign = suggestions.campaign_of(session, s.campaign_id)
    assert s.excellent_year is not None
    return ExcellentOut(
        year=s.excellent_year,
        title=scrubbed(s.title),
        excerpt=excerpt(scrubbed(s.content)),
        outcome_label=STATE_LABELS[s.state],
        result=s.result,
        campaign=campaign.title if campaign else None,
    )
