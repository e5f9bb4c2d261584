"""A plausible year of 人民建议征集 beside the demo's demands: a few 征集 campaigns opened by district
departments, suggestions from the portal and answering the campaigns, 12345 建议 demands turned into
suggestions, and each one's review, 成果转化 and the year's 优秀建议.

Volumes and shares are assumptions, chosen to be plausible, not measured:

- How many. The demo's demand profile gives 建议 about 7% of 12345 demands (``profile.DEFAULT_TYPES``;
  Beijing took 21.43 million demands in 2023, docs/SPEC). Most of those are small and are answered
  like any demand, so we assume one in ten of the demo's 建议 demands reaches the office
  (``HOTLINE_SHARE``), and as many again arrive directly on the portal: about 1.4% of the demand
  volume in all, at least ``MIN_SUGGESTIONS`` so a small quick start still fills every page.
- Campaigns. Two per quarter (``CAMPAIGNS``), each 30–60 days, opened by a district department on a
  topic of its own; while one is open, half of the portal suggestions answer one (``ANSWER_SHARE``),
  so about a third of the direct suggestions come through campaigns.
- Review. By the year's end 85% are decided (the rest are still under review). Of the decided:
  采纳 12%, 部分采纳 18%, 留存参考 45%, 不予采纳 25% (``OUTCOMES``) — an assumed adoption rate of 30%,
  with most suggestions kept for reference, as an office that reads everything but can act on few
  would report. 成果转化 is recorded for 70% of adopted ones; about one adopted in twenty is an
  优秀建议 (at least one a year, so the demo's public list is never empty), and 60% of suggesters
  consent to publication.

Names and phones are synthetic and sealed with the instance's data key, as real ones would be.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.cases.codes import next_codes
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.divisions import repository as divisions
from zhili.kernel.clock import as_aware
from zhili.suggestions.intake import CAMPAIGN_PREFIX, SUGGESTION_PREFIX, office_for
from zhili.suggestions.models import Suggestion, SuggestionCampaign, SuggestionStep
from zhili.suggestions.privacy import seal
from zhili.suggestions.states import SuggestionSource, SuggestionState
from zhili.taxonomy.enums import DemandType
from zhili.units.models import Unit

HOTLINE_SHARE = 0.1
MIN_SUGGESTIONS = 120
CAMPAIGNS = 8
ANSWER_SHARE = 0.5
DECIDED_SHARE = 0.85
EXCELLENT_AMONG_RESULTS = 1 / 14  # with 成果转化 on 70% of adopted: one adopted in twenty
OUTCOMES = (
    (SuggestionState.adopted, "adopt", 0.12, "建议具体可行，已请相关部门采纳实施"),
    (SuggestionState.partly_adopted, "partly_adopt", 0.18, "部分内容可行，已纳入相关工作统筹考虑"),
    (SuggestionState.kept, "keep", 0.45, "建议有参考价值，暂不具备实施条件，留存参考"),
    (SuggestionState.declined, "decline", 0.25, "与现行政策规定不符，暂不予采纳"),
)
RESULTS = (
    "纳入本区背街小巷环境精细化整治提升年度计划",
    "吸收进《社区停车治理工作方案》",
    "作为老旧小区综合整治项目的设计依据",
    "纳入本区“一刻钟便民生活圈”建设项目",
    "在相关街道开展试点",
)
TOPICS = (
    (
        "urban_management",
        "背街小巷环境整治金点子征集",
        "请就背街小巷的停车、绿化、垃圾分类和门前三包提出建议。",
    ),
    ("transport", "社区停车难问题建议征集", "请就老旧小区停车位挖潜、错时共享停车提出建议。"),
    ("civil_affairs", "养老助餐服务建议征集", "请就社区养老驿站、老年餐桌的布点和服务提出建议。"),
    ("education", "课后服务建议征集", "请就中小学课后服务的内容、时间和收费提出建议。"),
    ("housing_admin", "老旧小区综合整治建议征集", "请就加装电梯、管线改造和小区微更新提出建议。"),
    ("environment", "生活垃圾分类建议征集", "请就垃圾分类投放点设置和宣传引导提出建议。"),
)
IDEAS = (
    ("增设非机动车停放区", "小区门口共享单车乱停放，建议在东侧空地划设非机动车停放区，并安排专人引导。"),
    ("错时开放单位停车场", "周边机关单位停车场夜间空置，建议与社区签订协议错时开放，缓解居民停车难。"),
    ("社区食堂延长供餐时间", "社区老年餐桌只供午餐，建议增加晚餐供应，方便独居老人就近用餐。"),
    ("公交站增设遮阳棚", "路口公交站没有遮阳棚，夏季候车暴晒，建议加装遮阳棚和座椅。"),
    ("垃圾桶站加装洗手池", "垃圾分类桶站附近没有洗手设施，建议加装洗手池，提高居民分类投放意愿。"),
    ("老旧小区加装电梯", "小区多为六层老楼，老人上下楼困难，建议简化加装电梯审批流程并给予补贴。"),
    ("口袋公园增加健身器材", "新建口袋公园缺少适老健身器材，建议增加并设置使用说明。"),
    ("学校周边设置即停即走区", "上下学时段学校门口拥堵，建议设置即停即走车位并安排交通引导。"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林高罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


def _name(rng: np.random.Generator) -> str:
    return str(rng.choice(list(SURNAMES))) + "".join(rng.choice(list(GIVEN), size=int(rng.integers(1, 3))))


def _phone(rng: np.random.Generator) -> str:
    return f"1{int(rng.choice([3, 5, 8]))}{int(rng.integers(0, 10**9)):09d}"


def _moment(rng: np.random.Generator, start: datetime, days: int) -> datetime:
    return start + timedelta(
        days=int(rng.integers(0, max(days, 1))), minutes=int(rng.integers(8 * 60, 21 * 60))
    )


def _campaigns(
    session: Session, rng: np.random.Generator, year: int, districts: list[str]
) -> list[SuggestionCampaign]:
    made = []
    for i in range(CAMPAIGNS):
        unit_type, title, topic = TOPICS[i % len(TOPICS)]
        district = districts[i % len(districts)]
        unit = session.execute(
            select(Unit).where(Unit.code == f"D{district}-{unit_type}")
        ).scalar_one_or_none()
        if unit is None:
            continue
        opens = date(year, 1, 1) + timedelta(days=int(i * 365 / CAMPAIGNS) + int(rng.integers(0, 20)))
        created = datetime(opens.year, opens.month, opens.day, 1, tzinfo=UTC)
        campaign = SuggestionCampaign(
            code=next_codes(session, CAMPAIGN_PREFIX, created)[0],
            unit_id=unit.id,
            division_code=district,
            title=f"{unit.name.removesuffix('局').removesuffix('委员会')[:10]}：{title}",
            topic=topic,
            opens_on=opens,
            closes_on=opens + timedelta(days=int(rng.integers(30, 61))),
            created_by="demo",
            created_at=created,
        )
        session.add(campaign)
        made.append(campaign)
    session.flush()
    return made


def _review(
    session: Session, ctx: CaseContext, rng: np.random.Generator, s: Suggestion, year_end: datetime
) -> None:
    steps = [
        (
            "review",
            SuggestionState.reviewing,
            s.received_at + timedelta(days=int(rng.integers(1, 8))),
            "开始审阅",
        )
    ]
    decided_at = steps[0][2] + timedelta(days=int(rng.integers(5, 40)))
    if rng.random() < DECIDED_SHARE and decided_at < year_end:
        pick = int(rng.choice(len(OUTCOMES), p=[o[2] for o in OUTCOMES]))
        state, action, _, reason = OUTCOMES[pick]
        steps.append((action, state, decided_at, reason))
        s.reason = reason
        s.decided_at = decided_at
        s.decided_month = decided_at.astimezone(ctx.tz).strftime("%Y-%m")
        if state in (SuggestionState.adopted, SuggestionState.partly_adopted) and rng.random() < 0.7:
            s.result = str(rng.choice(RESULTS))
            s.result_at = decided_at + timedelta(days=int(rng.integers(10, 60)))
            steps.append(("record_result", state, s.result_at, s.result))
            if rng.random() < EXCELLENT_AMONG_RESULTS:
                s.excellent_year = decided_at.astimezone(ctx.tz).year
                steps.append(("mark_excellent", state, s.result_at, f"评为 {s.excellent_year} 年度优秀建议"))
    before: SuggestionState | None = SuggestionState.submitted
    for action, state, at, note in steps:
        session.add(
            SuggestionStep(
                suggestion_id=s.id,
                action=action,
                from_state=before.value if before else None,
                to_state=state.value,
                actor="demo",
                at=at,
                note=note,
            )
        )
        before = state
        s.state = state


def seed_suggestions(year: int, seed: int = 1) -> int:
    """The quick start's suggestions, beside the demo cases already in the database."""
    from zhili.cli_support import open_database
    from zhili.settings import get_settings

    settings = get_settings()
    database = open_database(settings)
    try:
        with database.session() as session:
            return generate_suggestions(session, CaseContext.for_settings(settings), year, seed)
    finally:
        database.dispose()


def generate_suggestions(session: Session, ctx: CaseContext, year: int, seed: int = 1) -> int:
    """Write the year's campaigns and suggestions; returns how many suggestions. Skips a database
    that has suggestions already."""
    if session.execute(select(func.count()).select_from(Suggestion)).scalar_one():
        return 0
    rng = np.random.default_rng(seed)
    districts = [d.code for d in divisions.children(session, "11")]
    if not districts:
        return 0
    start = datetime(year, 1, 1, tzinfo=ctx.tz)
    year_end = datetime(year + 1, 1, 1, tzinfo=ctx.tz)
    campaigns = _campaigns(session, rng, year, districts)
    hotline = (
        session.execute(
            select(Case)
            .where(Case.demand_type == DemandType.suggestion, Case.division_code.is_not(None))
            .order_by(Case.id)
        )
        .scalars()
        .all()
    )
    linked = [c for c in hotline if rng.random() < HOTLINE_SHARE]
    direct = max(MIN_SUGGESTIONS - len(linked), len(linked))
    made = 0
    for case in linked:
        s = _suggestion(
            session,
            ctx,
            SuggestionSource.hotline,
            case.title,
            case.description,
            case.division_code or districts[0],
            case.received_at,
            None,
            rng,
        )
        s.case_id = case.id
        s.name_enc, s.phone_enc = case.citizen_name_enc, case.citizen_phone_enc
        _review(session, ctx, rng, s, year_end)
        made += 1
    for _ in range(direct):
        at = _moment(rng, start, 364)
        open_now = [c for c in campaigns if c.opens_on <= at.date() <= c.closes_on]
        answering = open_now and rng.random() < ANSWER_SHARE
        campaign = open_now[int(rng.integers(0, len(open_now)))] if answering else None
        district = campaign.division_code if campaign else str(rng.choice(districts))
        title, content = IDEAS[int(rng.integers(0, len(IDEAS)))]
        source = SuggestionSource.campaign if campaign else SuggestionSource.portal
        s = _suggestion(session, ctx, source, title, content, district, at, campaign, rng)
        seal(s, _name(rng), _phone(rng), ctx.cipher)
        _review(session, ctx, rng, s, year_end)
        made += 1
    session.flush()
    _at_least_one_excellent(session, ctx)
    return made


def _at_least_one_excellent(session: Session, ctx: CaseContext) -> None:
    if session.execute(select(Suggestion.id).where(Suggestion.excellent_year.is_not(None))).first():
        return
    first = (
        session.execute(
            select(Suggestion)
            .where(Suggestion.result.is_not(None), Suggestion.consent_publish.is_(True))
            .order_by(Suggestion.decided_at)
        )
        .scalars()
        .first()
    )
    if first is None or first.result_at is None:
        return
    first.excellent_year = as_aware(first.result_at).astimezone(ctx.tz).year
    session.add(
        SuggestionStep(
            suggestion_id=first.id,
            action="mark_excellent",
            from_state=first.state.value,
            to_state=first.state.value,
            actor="demo",
            at=first.result_at,
            note=f"评为 {first.excellent_year} 年度优秀建议",
        )
    )


def _suggestion(
    session: Session,
    ctx: CaseContext,
    source: SuggestionSource,
    title: str,
    content: str,
    division_code: str,
    at: datetime,
    campaign: SuggestionCampaign | None,
    rng: np.random.Generator,
) -> Suggestion:
    s = Suggestion(
        code=next_codes(session, SUGGESTION_PREFIX, at.astimezone(ctx.tz))[0],
        source=source,
        campaign_id=campaign.id if campaign else None,
        office_unit_id=office_for(session, division_code).id,
        division_code=division_code,
        title=title,
        content=content,
        state=SuggestionState.submitted,
        received_at=at,
        consent_publish=bool(rng.random() < 0.6),
        created_by="demo",
    )
    session.add(s)
    session.flush()
    session.add(
        SuggestionStep(
            suggestion_id=s.id,
            action="submit",
            from_state=None,
            to_state="submitted",
            actor="demo",
            at=at,
            note="收到建议",
        )
    )
    return s
