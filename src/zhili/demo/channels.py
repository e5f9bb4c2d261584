"""The demo year's 信访 and 矛盾纠纷 beside its 12345 demands, written through the services.

Volumes are scaled to the demo year's demands in the database:

- **信访事项: one per 100 demands.** An assumption. Beijing's 12345 received on the order of twenty
  million demands a year in 2023–2024 (the hotline's own yearly reports, as we recall them; check
  before quoting). We know of no published yearly count of Beijing's 信访 matters that we could
  quote with confidence, so the ratio is ours: petitions are a small fraction of demands, and a
  fraction of them are demands escalated by the citizen.
- **矛盾纠纷: one per 100 demands.** Also an assumption. Nationally, 人民调解 organisations have
  reported on the order of nine to ten million disputes mediated a year (Ministry of Justice
  statements, as we recall them); per head of population that is roughly 1 % of Beijing's demand
  volume. We use that ratio.
- **Mixes** (all assumptions, chosen to look plausible and to exercise every path): channels 网上信访
  45 %, 来访 25 %, 来信 20 %, 12345 转信访 10 % (the plan calls 网上信访 the main channel); 8 %
  不予受理; 35 % accepted by the office itself, the rest 转送/交办 to a district department; about 8 %
  answered late, 6 % decided late; 15 % of matters see a repeat petition; 12 % of answers go to
  复查, a third of those to 复核; 7 % become 积案 with a 包案 leader (the demo's ``leader`` account,
  when ``zhili init --demo`` made it), most resolved late in the year; 70 % of answers get a 回访
  satisfaction (满意 60 %, 基本满意 25 %, 不满意 15 %). Disputes: kinds 邻里 30 %, 物业 20 %, 婚姻家庭
  15 %, 劳动 10 %, 消费 10 %, 土地房屋 8 %, 其他 7 %; sources 调委会 45 %, 12345 20 % (linked to a demand),
  法院委派 15 %, 部门移送 10 %, 网格 none (a grid dispute needs a field event); 1–3 sessions; 75 % agree,
  20 % of agreements go to 司法确认, 80 % get a 回访 on performance (90 % performed).

Petitioners and parties are invented (names from common surnames, phones at random) and stored
encrypted by the services, as real ones are. The staff who act are the real units' accounts as
the services see them (transient, not stored): the district's 信访办公室, the department a matter
was sent to, the district government, a city department; disputes are handled by the district
government's staff. Mediation committees and mediators are added to the registry for the streets
and districts that need them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from zhili.auth.models import Role, User
from zhili.auth.scope import Actor, citizen
from zhili.auth.service import actor_for
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.db import Database
from zhili.divisions.models import Division
from zhili.errors import ZhiliError
from zhili.kernel.clock import as_aware
from zhili.mediation import intake as disputes_intake
from zhili.mediation import registry
from zhili.mediation import service as mediation
from zhili.mediation.models import MediationCommittee
from zhili.mediation.schemas import CommitteeIn, DisputeIn, DisputeStepIn, MediatorIn, PartyIn
from zhili.mediation.states import DisputeKind, DisputeSource, NextPath, Track
from zhili.petitions import intake as petitions_intake
from zhili.petitions import leaders, satisfaction
from zhili.petitions import service as petitions
from zhili.petitions.models import PetitionMatter
from zhili.petitions.schemas import (
    LeaderActionIn,
    OnlinePetitionIn,
    PetitionerIn,
    PetitionIn,
    PetitionStepIn,
    SatisfactionIn,
)
from zhili.petitions.states import LeaderActionKind
from zhili.settings import Settings
from zhili.taxonomy.models import Category
from zhili.units.models import Unit, UnitKind

DEMANDS_PER_PETITION = 100
DEMANDS_PER_DISPUTE = 100
MINIMUM = 12
DEMO_ACTOR = "演示数据"
LEADER = "leader"
PORTAL = citizen("petition-portal")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕鹏辉晓东雪梅丹宇浩然"
CHANNELS = (("online", 45), ("visit", 25), ("letter", 20), ("hotline", 10))
REFUSALS = (
    "该事项已经或者依法应当通过诉讼、仲裁途径解决，请依法向人民法院或仲裁机构提出。",
    "该事项属于行政复议范围，请依法申请行政复议。",
    "该事项已由人民法院作出生效裁判，不属于信访受理范围。",
)
REPLIES = (
    "经调查核实，相关部门已依法处理，问题已整改到位，并将持续跟踪。",
    "经核查，您反映的情况部分属实，已责令责任单位限期整改，整改结果将书面告知。",
    "经调查，相关处理符合法律法规和政策规定，对您的诉求不予支持，已向您说明政策依据。",
    "已协调相关单位制定解决方案，预计近期完成，届时将回访告知。",
)
DISPUTE_KINDS = (
    (
        DisputeKind.neighbour,
        30,
        "邻里噪音和漏水纠纷",
        "楼上住户装修漏水导致楼下房屋受损，双方就赔偿数额争执不下。",
    ),
    (
        DisputeKind.property_service,
        20,
        "物业服务费纠纷",
        "业主认为物业服务不到位拒交物业费，物业公司要求补缴。",
    ),
    (DisputeKind.family, 15, "赡养纠纷", "子女之间就老人赡养费用分担和照料安排发生争执。"),
    (DisputeKind.labour, 10, "拖欠工资纠纷", "装修工人反映工程完工后工资被拖欠两个月，与包工头协商未果。"),
    (DisputeKind.consumer, 10, "预付卡退费纠纷", "健身房停业后会员要求退还预付卡余额，经营者拖延退费。"),
    (DisputeKind.land_housing, 8, "房屋租赁纠纷", "租客提前退租，房东拒绝退还押金，双方就房屋损坏责任争执。"),
    (DisputeKind.other, 7, "停车位使用纠纷", "两户居民就小区公共车位的使用发生争执，多次发生口角。"),
)
SOURCES = (
    (DisputeSource.committee, 45),
    (DisputeSource.hotline, 20),
    (DisputeSource.court, 15),
    (DisputeSource.department, 10),
)


@dataclass
class Counts:
    petitions: int = 0
    matters: int = 0
    disputes: int = 0
    skipped: int = 0


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _staff(session: Session, unit: Unit | None, role: Role, signer: int) -> Actor:
    """An account of ``unit`` as the services see it (transient: nothing is stored). ``signer`` is
    the id of the admin who ran ``zhili init``, so that the services see a signed-in account."""
    user = User(
        username=f"demo-{unit.code if unit else 'admin'}",
        role=role,
        unit_id=unit.id if unit else None,
        display_name=DEMO_ACTOR,
    )
    user.must_change_password = False
    return replace(actor_for(session, user), user_id=signer)


class Desk:
    """The units and actors the demo year needs, looked up once."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.units = {u.code: u for u in session.scalars(select(Unit).where(Unit.active)).all()}
        self.actors: dict[tuple[str, Role], Actor] = {}
        leader = session.execute(select(User).where(User.username == LEADER)).scalar_one_or_none()
        self.leader = leader.username if leader is not None and leader.role == Role.supervisor else None
        admin = session.execute(select(User.id).where(User.role == Role.admin).order_by(User.id)).first()
        self.signer = int(admin[0]) if admin else 0
        self.admin = _staff(session, None, Role.admin, self.signer)

    def actor(self, code: str, role: Role) -> Actor | None:
        if code not in self.units:
            return None
        if (code, role) not in self.actors:
            self.actors[code, role] = _staff(self.session, self.units[code], role, self.signer)
        return self.actors[code, role]

    def departments(self, district: str) -> list[str]:
        prefix = f"D{district}-"
        return sorted(c for c in self.units if c.startswith(prefix) and not c.endswith("-petitions"))

    def city_unit(self, unit_type: str | None) -> str:
        for code, unit in self.units.items():
            if unit.kind == UnitKind.city_dept and unit.unit_type == unit_type:
                return code
        return "M11-CGW"


def _sample_cases(session: Session, ctx: CaseContext, year: int, count: int, rng: random.Random) -> list[Any]:
    """``count`` demands of the year, spread over it (by id stride, then shuffled)."""
    start = datetime(year, 1, 1, tzinfo=ctx.tz)
    end = datetime(year + 1, 1, 1, tzinfo=start.tzinfo)
    ids = (
        session.execute(
            select(Case.id).where(Case.received_at >= start, Case.received_at < end).order_by(Case.id)
        )
        .scalars()
        .all()
    )
    if not ids:
        return []
    stride = max(1, len(ids) // count)
    chosen = list(ids[::stride])[:count]
    rows = session.execute(
        select(
            Case.id,
            Case.code,
            Case.received_at,
            Case.district_code,
            Case.street_code,
            Case.community_code,
            Case.title,
            Case.description,
            Case.citizen_name_enc,
            Case.citizen_phone_enc,
            Category.code.label("category"),
        )
        .outerjoin(Category, Category.id == Case.category_id)
        .where(Case.id.in_(chosen))
    ).all()
    rows = [r for r in rows if r.district_code and r.street_code]
    rng.shuffle(rows)
    return rows


def _later(at: datetime, rng: random.Random, low: int, high: int, now: datetime) -> datetime | None:
    """A working-hours moment ``low``–``high`` days after ``at``, or None if that is not yet past."""
    moment = (at + timedelta(days=rng.randint(low, high))).replace(
        hour=rng.randint(1, 8), minute=rng.randrange(60)
    )
    moment = max(moment, at + timedelta(minutes=5))
    return moment if moment < now - timedelta(hours=1) else None


# -- 信访 -------------------------------------------------------------------------------------------


def _petition(
    ctx: CaseContext, desk: Desk, row: Any, rng: random.Random, channel: str, received: datetime
) -> tuple[Actor | None, PetitionIn | None]:
    district = str(row.district_code)
    office = desk.actor(f"D{district}-petitions", Role.petition_officer)
    if office is None:
        return None, None
    name = ctx.cipher.decrypt(row.citizen_name_enc) if channel == "hotline" else None
    phone = ctx.cipher.decrypt(row.citizen_phone_enc) if channel == "hotline" else None
    invented_name, invented_phone = _person(rng)
    subject = (row.title or "").strip()[:40].removesuffix("问题")
    title = f"反映{subject}问题长期未解决"
    content = (
        f"{(row.description or row.title or '').strip()[:400]}"
        "。此前多次反映，问题仍未解决，请求有关部门依法处理并书面答复。"
    )
    body = PetitionIn(
        channel="visit" if channel == "online" else channel,  # online ones go through the portal's shape
        title=title[:200],
        content=content[:5000],
        category=(row.category or "1299")[:16] if len(row.category or "") >= 2 else "1299",
        division_code=str(row.community_code or row.street_code),
        petitioner=PetitionerIn(name=name or invented_name, phone=phone or invented_phone),
        case_code=row.code if channel == "hotline" else None,
        received_at=received,
    )
    return office, body


def _online(body: PetitionIn) -> OnlinePetitionIn:
    return OnlinePetitionIn(
        title=body.title,
        content=body.content,
        category=body.category,
        division_code=body.division_code,
        name=body.petitioner.name or "",
        phone=body.petitioner.phone or "",
    )


def _walk_petition(
    session: Session,
    ctx: CaseContext,
    desk: Desk,
    office: Actor,
    code: str,
    rng: random.Random,
    now: datetime,
) -> None:
    """Take a matter through its procedure, each step on a plausible day, stopping at 'now'."""
    matter = session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()
    district = matter.division_code[:6]
    received = as_aware(matter.received_at)
    late_decision = rng.random() < 0.06
    at = _later(received, rng, 25, 40, now) if late_decision else _later(received, rng, 1, 14, now)
    if at is None:
        return
    roll = rng.random()
    if roll < 0.08:
        petitions.act(session, ctx, office, code, "refuse", PetitionStepIn(text=rng.choice(REFUSALS), at=at))
        return
    backlog = rng.random() < 0.07 and received.month <= 8
    if roll < 0.43:
        handler = office
        petitions.act(session, ctx, office, code, "accept", PetitionStepIn(at=at))
    else:
        unit = rng.choice(desk.departments(district) or [f"D{district}-petitions"])
        handler = desk.actor(unit, Role.unit_staff) or office
        mode = rng.choice(("转送", "交办"))
        petitions.act(session, ctx, office, code, "refer", PetitionStepIn(unit=unit, mode=mode, at=at))
        at = _later(at, rng, 1, 10, now)
        if at is None:
            return
        petitions.act(session, ctx, handler, code, "take", PetitionStepIn(at=at))
    if backlog:
        _lead(session, ctx, desk, office, code, received, rng, now)
        if rng.random() < 0.3:
            return  # still open at the end: on the 积案 list
        at = _later(at, rng, 100, 200, now)
    elif rng.random() < 0.08:
        at = _later(at, rng, 90, 130, now)  # answered late
    else:
        if rng.random() < 0.1:
            extend_at = _later(at, rng, 20, 40, now)
            if extend_at is not None:
                text = "涉及多个部门，需要联合调查核实，申请延长办理期限。"
                petitions.act(
                    session, ctx, handler, code, "extend", PetitionStepIn(days=20, text=text, at=extend_at)
                )
                at = extend_at
        at = _later(at, rng, 10, 55, now)
    if at is None:
        return
    petitions.act(session, ctx, handler, code, "reply", PetitionStepIn(text=rng.choice(REPLIES), at=at))
    replied = at
    if rng.random() < 0.7:
        rated_at = _later(replied, rng, 3, 15, now)
        if rated_at is not None:
            value = _pick(rng, (("satisfied", 60), ("basically_satisfied", 25), ("unsatisfied", 15)))
            satisfaction.record(session, ctx, office, code, SatisfactionIn(satisfaction=value, at=rated_at))
    _after_reply(session, ctx, desk, office, handler, code, replied, rng, now)


def _after_reply(
    session: Session,
    ctx: CaseContext,
    desk: Desk,
    office: Actor,
    handler: Actor,
    code: str,
    replied: datetime,
    rng: random.Random,
    now: datetime,
) -> None:
    matter = session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()
    district = matter.division_code[:6]
    if rng.random() < 0.12:
        at = _later(replied, rng, 5, 25, now)
        reviewer = desk.actor(f"G{district}", Role.unit_staff)
        if at is None or reviewer is None:
            return
        petitions.act(
            session, ctx, office, code, "request_review", PetitionStepIn(unit=f"G{district}", at=at)
        )
        at = _later(at, rng, 10, 25, now)
        if at is None:
            return
        petitions.act(
            session, ctx, reviewer, code, "review", PetitionStepIn(text="经复查，维持原处理意见。", at=at)
        )
        if rng.random() < 0.33:
            unit_type = desk.units[handler.unit_code].unit_type if handler.unit_code in desk.units else None
            city = desk.city_unit(unit_type)
            checker = desk.actor(city, Role.unit_staff)
            at = _later(at, rng, 5, 20, now)
            if at is None or checker is None:
                return
            petitions.act(session, ctx, office, code, "request_recheck", PetitionStepIn(unit=city, at=at))
            at = _later(at, rng, 10, 25, now)
            if at is not None:
                text = "经复核，维持复查意见。信访人以同一事实和理由再次提出的，不再受理。"
                petitions.act(session, ctx, checker, code, "recheck", PetitionStepIn(text=text, at=at))
            return
    matter = session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()
    if matter.due_at is None:
        return
    at = _later(as_aware(matter.due_at), rng, 1, 10, now)
    if at is not None:
        petitions.act(session, ctx, office, code, "conclude", PetitionStepIn(at=at))


def _lead(
    session: Session,
    ctx: CaseContext,
    desk: Desk,
    office: Actor,
    code: str,
    received: datetime,
    rng: random.Random,
    now: datetime,
) -> None:
    """A 积案 gets a 包案 leader, who meets and receives the petitioner."""
    if desk.leader is None:
        return
    at = _later(received, rng, 91, 100, now)
    if at is None:
        return
    leaders.assign_leader(session, ctx, office, code, desk.leader)
    for kind, note in (
        (LeaderActionKind.meeting, "召集相关部门召开协调会，明确责任单位和化解时限。"),
        (LeaderActionKind.reception, "包案领导接待信访人，听取诉求并说明政策。"),
        (LeaderActionKind.supervision, "督办责任单位按期落实化解方案。"),
    )[: rng.randint(1, 3)]:
        leaders.add_leader_action(session, ctx, office, code, LeaderActionIn(kind=kind, note=note, at=at))
        at = at + timedelta(days=rng.randint(7, 30))
        if at >= now:
            break


def _petitions(session: Session, ctx: CaseContext, desk: Desk, rows: list[Any], rng: random.Random) -> Counts:
    counts = Counts()
    now = ctx.now()
    registered: list[tuple[str, PetitionIn, Actor]] = []
    for row in rows:
        channel = _pick(rng, CHANNELS)
        received = _later(as_aware(row.received_at), rng, 3, 40, now)
        if received is None:
            continue
        office, body = _petition(ctx, desk, row, rng, channel, received)
        if office is None or body is None:
            counts.skipped += 1
            continue
        try:
            with session.begin_nested():
                if channel == "online":
                    result = petitions_intake.register_online(
                        session, ctx, PORTAL, _online(body), received_at=body.received_at
                    )
                else:
                    result = petitions_intake.register(session, ctx, office, body)
                counts.petitions += 1
                counts.matters += 0 if result.repeat else 1
                if not result.repeat:
                    _walk_petition(session, ctx, desk, office, result.matter.code, rng, now)
                    registered.append((result.matter.code, body, office))
        except ZhiliError:
            counts.skipped += 1
    for code, body, office in rng.sample(registered, k=len(registered) * 15 // 100):
        again = _later(as_aware(body.received_at or now), rng, 20, 60, now)
        if again is None:
            continue
        repeat = body.model_copy(update={"matter_code": code, "received_at": again, "case_code": None})
        if repeat.channel == "online":
            repeat = repeat.model_copy(update={"channel": "visit"})
        try:
            with session.begin_nested():
                petitions_intake.register(session, ctx, office, repeat)
                counts.petitions += 1
        except ZhiliError:
            counts.skipped += 1
    return counts


# -- 矛盾纠纷 ---------------------------------------------------------------------------------------


def _division_name(session: Session, code: str) -> str:
    division = session.get(Division, code)
    return division.name if division is not None else code


def _committees(session: Session, admin: Actor, rows: list[Any], rng: random.Random) -> None:
    """A 人民调解委员会 for each street, a 行政调解 and a 诉调对接 body for each district, with mediators."""
    kinds = [k for k, *_ in DISPUTE_KINDS]
    wanted: dict[str, tuple[Track, str]] = {}
    for row in rows:
        district, street = str(row.district_code), str(row.street_code)
        wanted[f"{_division_name(session, street)}人民调解委员会"] = (Track.people, street)
        wanted[f"{_division_name(session, district)}行政调解中心"] = (Track.administrative, district)
        wanted[f"{_division_name(session, district)}人民法院诉调对接中心"] = (Track.judicial, district)
    known = set(session.scalars(select(MediationCommittee.name)).all())
    for name, (track, code) in sorted(wanted.items()):
        if name in known:
            continue
        committee = registry.add_committee(
            session, admin, CommitteeIn(name=name, track=track, division_code=code)
        )
        for _ in range(2):
            person, _phone = _person(rng)
            registry.add_mediator(
                session,
                admin,
                MediatorIn(committee_id=committee.id, name=person, specialties=kinds, area=code),
            )


def _walk_dispute(
    session: Session, ctx: CaseContext, staff: Actor, code: str, received: datetime, rng: random.Random
) -> None:
    now = ctx.now()
    at = _later(received, rng, 0, 3, now)
    if at is None:
        return
    mediation.act(session, ctx, staff, code, "route", DisputeStepIn(at=at))
    at = _later(at, rng, 1, 5, now)
    if at is None:
        return
    mediation.act(session, ctx, staff, code, "assign", DisputeStepIn(at=at))
    for number in range(rng.randint(1, 3)):
        at = _later(at, rng, 2, 14, now)
        if at is None:
            return
        notes = (
            "听取双方陈述，释法说理，双方立场有所接近。" if number == 0 else "再次调解，就主要分歧协商一致。"
        )
        step = DisputeStepIn(at=at, place="社区调解室", attendees=[1, 2], notes=notes)
        mediation.act(session, ctx, staff, code, "session", step)
    at = _later(at, rng, 0, 3, now)
    if at is None:
        return
    if rng.random() >= 0.75:
        path = _pick(
            rng, ((NextPath.litigation, 70), (NextPath.arbitration, 20), (NextPath.administrative_ruling, 10))
        )
        step = DisputeStepIn(at=at, notes="双方分歧较大，未能达成一致。", next_path=path)
        mediation.act(session, ctx, staff, code, "fail", step)
        return
    due = (at + timedelta(days=rng.randint(10, 60))).date()
    terms = "一、被申请人于履行期限前向申请人支付补偿款；二、双方就此纠纷再无其他争议。"
    step = DisputeStepIn(at=at, terms=terms, performance_due=due, performance_method="一次性银行转账")
    mediation.act(session, ctx, staff, code, "succeed", step)
    if rng.random() < 0.2:
        court = "所在区人民法院"
        mediation.act(session, ctx, staff, code, "apply_confirmation", DisputeStepIn(at=at, court=court))
        later = _later(at, rng, 5, 20, now)
        if later is not None:
            confirmed = rng.random() < 0.9
            mediation.act(
                session, ctx, staff, code, "confirmation_result", DisputeStepIn(at=later, confirmed=confirmed)
            )
    if rng.random() < 0.8:
        follow = _later(datetime(due.year, due.month, due.day, 10, tzinfo=ctx.tz), rng, 1, 10, now)
        if follow is not None and follow > at:
            performed = rng.random() < 0.9
            notes = "电话回访，当事人确认已按协议履行。" if performed else "电话回访，对方尚未履行，已督促。"
            step = DisputeStepIn(at=follow, performed=performed, notes=notes)
            mediation.act(session, ctx, staff, code, "follow_up", step)


def _disputes(session: Session, ctx: CaseContext, desk: Desk, rows: list[Any], rng: random.Random) -> Counts:
    counts = Counts()
    now = ctx.now()
    _committees(session, desk.admin, rows, rng)
    for row in rows:
        staff = desk.actor(f"G{row.district_code}", Role.unit_staff)
        received = _later(as_aware(row.received_at), rng, 0, 10, now)
        if staff is None or received is None:
            counts.skipped += 1
            continue
        kind, _weight, title, facts = rng.choices(DISPUTE_KINDS, weights=[k[1] for k in DISPUTE_KINDS])[0]
        source = _pick(rng, SOURCES)
        district = _division_name(session, str(row.district_code))
        referring = {
            DisputeSource.court: f"{district}人民法院",
            DisputeSource.department: f"{district}住房和城乡建设委员会",
        }
        parties = []
        for role in ("申请人", "被申请人"):
            name, phone = _person(rng)
            parties.append(PartyIn(role=role, name=name, phone=phone))
        body = DisputeIn(
            kind=kind,
            source=source,
            title=title,
            facts=facts,
            division_code=str(row.community_code or row.street_code),
            referring_body=referring.get(source),
            parties=parties,
            case_codes=[row.code] if source == DisputeSource.hotline else [],
            received_at=received,
        )
        try:
            with session.begin_nested():
                registered = disputes_intake.register(session, ctx, staff, body)
                _walk_dispute(session, ctx, staff, registered.dispute.code, received, rng)
                counts.disputes += 1
        except ZhiliError:
            counts.skipped += 1
    return counts


def seed_channels(database: Database, settings: Settings, year: int, seed: int = 1) -> Counts:
    """The demo year's petitions and disputes, scaled to its demands; nothing if there are some already."""
    rng = random.Random(seed)
    ctx = CaseContext.for_settings(settings)
    with database.session() as session:
        if session.execute(select(func.count()).select_from(PetitionMatter)).scalar_one():
            return Counts()
        demands = session.execute(select(func.count()).select_from(Case)).scalar_one()
        desk = Desk(session)
        wanted = max(MINIMUM, demands // DEMANDS_PER_PETITION)
        counts = _petitions(session, ctx, desk, _sample_cases(session, ctx, year, wanted, rng), rng)
    with database.session() as session:
        desk = Desk(session)
        wanted = max(MINIMUM, demands // DEMANDS_PER_DISPUTE)
        found = _disputes(session, ctx, desk, _sample_cases(session, ctx, year, wanted, rng)[::-1], rng)
    counts.disputes, counts.skipped = found.disputes, counts.skipped + found.skipped
    return counts


def seed_demo_channels(year: int) -> Counts:
    """``zhili init --demo-cases``: the year's petitions and disputes, beside the demands just made."""
    from zhili.cli_support import console, open_database
    from zhili.settings import get_settings

    settings = get_settings()
    database = open_database(settings)
    try:
        counts = seed_channels(database, settings, year)
    finally:
        database.dispose()
    console.print(
        f"演示信访件 {counts.petitions:,} 件（{counts.matters:,} 个事项），矛盾纠纷 {counts.disputes:,} 件。"
    )
    return counts
