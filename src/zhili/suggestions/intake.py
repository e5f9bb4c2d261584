"""Suggestions in: from the portal (optionally answering an open campaign) and from a 12345 建议
demand; and the 征集 campaigns departments open. Each suggestion goes to the 人民建议征集 office of its
district (the district's 信访 office), or the city's for a city-wide one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.cases.codes import next_codes
from zhili.cases.context import CaseContext
from zhili.divisions.models import Division
from zhili.errors import Forbidden, NotFound, ValidationFailed
from zhili.suggestions import repository as suggestions
from zhili.suggestions.models import Suggestion, SuggestionCampaign
from zhili.suggestions.policy import can_open_campaigns
from zhili.suggestions.privacy import seal
from zhili.suggestions.schemas import CampaignIn, SuggestionIn
from zhili.suggestions.service import record_step
from zhili.suggestions.states import SuggestionSource, SuggestionState
from zhili.units.models import Unit, UnitJurisdiction

SUGGESTION_PREFIX = "JY"  # 建议
CAMPAIGN_PREFIX = "ZJ"  # 征集
CITY_OFFICE = "M11-XFB"  # 北京市信访办公室 (its 人民建议征集办公室)


@dataclass
class Submitted:
    suggestion: Suggestion
    notice: str


def office_for(session: Session, division_code: str) -> Unit:
    """The 人民建议征集 office (within the 信访 office) of the district, else the city's."""
    codes = (f"D{division_code[:6]}-petitions", CITY_OFFICE) if len(division_code) >= 6 else (CITY_OFFICE,)
    for code in codes:
        unit = session.execute(select(Unit).where(Unit.code == code, Unit.active)).scalar_one_or_none()
        if unit is not None:
            return unit
    raise NotFound("尚未配置人民建议征集办公室，暂不能接收建议")


def _division(session: Session, code: str) -> None:
    if session.get(Division, code) is None:
        raise ValidationFailed(f"区划编码 {code} 不存在", field="division_code")


def create(
    session: Session,
    ctx: CaseContext,
    actor: Actor,
    *,
    source: SuggestionSource,
    title: str,
    content: str,
    division_code: str,
    name: str | None,
    phone: str | None,
    consent: bool = False,
    campaign: SuggestionCampaign | None = None,
    case_id: int | None = None,
) -> Suggestion:
    office = office_for(session, division_code)
    now = ctx.now()
    suggestion = Suggestion(
        code=next_codes(session, SUGGESTION_PREFIX, now.astimezone(ctx.tz))[0],
        source=source,
        campaign_id=campaign.id if campaign else None,
        office_unit_id=office.id,
        division_code=division_code,
        title=title,
        content=content,
        state=SuggestionState.submitted,
        received_at=now,
        consent_publish=consent,
        case_id=case_id,
        created_by=actor.username,
    )
    seal(suggestion, name, phone, ctx.cipher)
    session.add(suggestion)
    session.flush()
    record_step(session, suggestion, "submit", actor.username, now, from_state=None, note="收到建议")
    audit.record(
        session,
        actor=actor.username,
        action="suggestions.submit",
        target_type="suggestion",
        target_id=suggestion.code,
        detail={"source": source.value, "campaign": campaign.code if campaign else None},
    )
    return suggestion


def _unit_covers(session: Session, unit_id: int, division_code: str) -> bool:
    """A department answers for its jurisdiction's divisions (a district's department, the district)."""
    codes = session.execute(
        select(UnitJurisdiction.division_code).where(UnitJurisdiction.unit_id == unit_id)
    ).scalars()
    return any(division_code.startswith(code) for code in codes)


def submit(session: Session, ctx: CaseContext, portal: Actor, body: SuggestionIn) -> Submitted:
    """A suggestion from the portal; naming a campaign requires it to be open today."""
    _division(session, body.division_code)
    campaign = None
    if body.campaign:
        campaign = suggestions.campaign_by_code(session, body.campaign.upper())
        today = ctx.now().astimezone(ctx.tz).date()
        if campaign is None or not (campaign.opens_on <= today <= campaign.closes_on):
            raise ValidationFailed("征集活动不存在或已截止", field="campaign")
    suggestion = create(
        session,
        ctx,
        portal,
        source=SuggestionSource.campaign if campaign else SuggestionSource.portal,
        title=body.title,
        content=body.content,
        division_code=body.division_code,
        name=body.name,
        phone=body.phone,
        consent=body.consent_publish,
        campaign=campaign,
    )
    notice = "建议已收到。人民建议征集办公室将审阅并告知结果，请凭建议编号和电话后四位查询。"
    return Submitted(suggestion, notice)


def open_campaign(session: Session, ctx: CaseContext, actor: Actor, body: CampaignIn) -> SuggestionCampaign:
    """A department opens a call on its topic, within its jurisdiction, with a deadline."""
    can_open_campaigns.require(actor)
    if actor.unit_id is None:
        raise Forbidden("您的账号不属于任何部门")
    _division(session, body.division_code)
    if not _unit_covers(session, actor.unit_id, body.division_code):
        raise ValidationFailed("征集涉及的区划不在本单位辖区内", field="division_code")
    today = ctx.now().astimezone(ctx.tz).date()
    opens = body.opens_on or today
    if body.closes_on < opens or body.closes_on < today:
        raise ValidationFailed("截止日期不能早于开始日期或今天", field="closes_on")
    campaign = SuggestionCampaign(
        code=next_codes(session, CAMPAIGN_PREFIX, ctx.now().astimezone(ctx.tz))[0],
        unit_id=actor.unit_id,
        division_code=body.division_code,
        title=body.title,
        topic=body.topic,
        opens_on=opens,
        closes_on=body.closes_on,
        created_by=actor.username,
        created_at=ctx.now(),
    )
    session.add(campaign)
    session.flush()
    audit.record(
        session,
        actor=actor.username,
        action="suggestions.campaign.open",
        target_type="suggestion_campaign",
        target_id=campaign.code,
        detail={"closes_on": campaign.closes_on.isoformat()},
    )
    return campaign
