"""The demo year's 矛盾纠纷 (see ``channels`` for the volumes and mixes): registered by the district
government's staff from every source but the grid, routed, mediated in sessions, agreed or not,
confirmed by a court, and followed up; the committees and mediators they need are registered first."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.context import CaseContext
from zhili.demo.desk import Counts, Desk, division_name, later, person, pick
from zhili.demo.policy import STAFF
from zhili.errors import ZhiliError
from zhili.kernel.clock import as_aware
from zhili.mediation import intake as disputes_intake
from zhili.mediation import registry
from zhili.mediation import service as mediation
from zhili.mediation.models import MediationCommittee
from zhili.mediation.schemas import CommitteeIn, DisputeIn, DisputeStepIn, MediatorIn, PartyIn
from zhili.mediation.states import DisputeKind, DisputeSource, NextPath, Track

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


def _committees(session: Session, admin: Actor, rows: list[Any], rng: random.Random) -> None:
    """A 人民调解委员会 for each street, a 行政调解 and a 诉调对接 body for each district, with mediators."""
    kinds = [k for k, *_ in DISPUTE_KINDS]
    wanted: dict[str, tuple[Track, str]] = {}
    for row in rows:
        district, street = str(row.district_code), str(row.street_code)
        wanted[f"{division_name(session, street)}人民调解委员会"] = (Track.people, street)
        wanted[f"{division_name(session, district)}行政调解中心"] = (Track.administrative, district)
        wanted[f"{division_name(session, district)}人民法院诉调对接中心"] = (Track.judicial, district)
    known = set(session.scalars(select(MediationCommittee.name)).all())
    for name, (track, code) in sorted(wanted.items()):
        if name in known:
            continue
        committee = registry.add_committee(
            session, admin, CommitteeIn(name=name, track=track, division_code=code)
        )
        for _ in range(2):
            mediator, _phone = person(rng)
            registry.add_mediator(
                session,
                admin,
                MediatorIn(committee_id=committee.id, name=mediator, specialties=kinds, area=code),
            )


def _walk_dispute(
    session: Session, ctx: CaseContext, staff: Actor, code: str, received: datetime, rng: random.Random
) -> None:
    now = ctx.now()
    at = later(received, rng, 0, 3, now)
    if at is None:
        return
    mediation.act(session, ctx, staff, code, "route", DisputeStepIn(at=at))
    at = later(at, rng, 1, 5, now)
    if at is None:
        return
    mediation.act(session, ctx, staff, code, "assign", DisputeStepIn(at=at))
    for number in range(rng.randint(1, 3)):
        at = later(at, rng, 2, 14, now)
        if at is None:
            return
        notes = (
            "听取双方陈述，释法说理，双方立场有所接近。" if number == 0 else "再次调解，就主要分歧协商一致。"
        )
        step = DisputeStepIn(at=at, place="社区调解室", attendees=[1, 2], notes=notes)
        mediation.act(session, ctx, staff, code, "session", step)
    at = later(at, rng, 0, 3, now)
    if at is None:
        return
    if rng.random() >= 0.75:
        path = pick(
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
        ruled = later(at, rng, 5, 20, now)
        if ruled is not None:
            confirmed = rng.random() < 0.9
            mediation.act(
                session, ctx, staff, code, "confirmation_result", DisputeStepIn(at=ruled, confirmed=confirmed)
            )
    if rng.random() < 0.8:
        follow = later(datetime(due.year, due.month, due.day, 10, tzinfo=ctx.tz), rng, 1, 10, now)
        if follow is not None and follow > at:
            performed = rng.random() < 0.9
            notes = "电话回访，当事人确认已按协议履行。" if performed else "电话回访，对方尚未履行，已督促。"
            step = DisputeStepIn(at=follow, performed=performed, notes=notes)
            mediation.act(session, ctx, staff, code, "follow_up", step)


def register_year(
    session: Session, ctx: CaseContext, desk: Desk, rows: list[Any], rng: random.Random
) -> Counts:
    counts = Counts()
    now = ctx.now()
    _committees(session, desk.admin, rows, rng)
    for row in rows:
        staff = desk.actor(f"G{row.district_code}", STAFF)
        received = later(as_aware(row.received_at), rng, 0, 10, now)
        if staff is None or received is None:
            counts.skipped += 1
            continue
        kind, _weight, title, facts = rng.choices(DISPUTE_KINDS, weights=[k[1] for k in DISPUTE_KINDS])[0]
        source = pick(rng, SOURCES)
        district = division_name(session, str(row.district_code))
        referring = {
            DisputeSource.court: f"{district}人民法院",
            DisputeSource.department: f"{district}住房和城乡建设委员会",
        }
        parties = []
        for role in ("申请人", "被申请人"):
            name, phone = person(rng)
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
