"""The demo year's 信访 (see ``channels`` for the volumes and mixes): registered at the window, by
letter, online or escalated from a demand, then taken through the procedure by the office and the
bodies, with repeats, 积案 with a 包案 leader, and 回访 satisfaction."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor, citizen
from zhili.cases.context import CaseContext
from zhili.demo.desk import Counts, Desk, later, person, pick
from zhili.demo.policy import OFFICE, STAFF
from zhili.errors import ZhiliError
from zhili.kernel.clock import as_aware
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

PORTAL = citizen("petition-portal")
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


def _petition(
    ctx: CaseContext, desk: Desk, row: Any, rng: random.Random, channel: str, received: datetime
) -> tuple[Actor | None, PetitionIn | None]:
    district = str(row.district_code)
    office = desk.actor(f"D{district}-petitions", OFFICE)
    if office is None:
        return None, None
    name = ctx.cipher.decrypt(row.citizen_name_enc) if channel == "hotline" else None
    phone = ctx.cipher.decrypt(row.citizen_phone_enc) if channel == "hotline" else None
    invented_name, invented_phone = person(rng)
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
    at = later(received, rng, 25, 40, now) if late_decision else later(received, rng, 1, 14, now)
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
        handler = desk.actor(unit, STAFF) or office
        mode = rng.choice(("转送", "交办"))
        petitions.act(session, ctx, office, code, "refer", PetitionStepIn(unit=unit, mode=mode, at=at))
        at = later(at, rng, 1, 10, now)
        if at is None:
            return
        petitions.act(session, ctx, handler, code, "take", PetitionStepIn(at=at))
    if backlog:
        _lead(session, ctx, desk, office, code, received, rng, now)
        if rng.random() < 0.3:
            return  # still open at the end: on the 积案 list
        at = later(at, rng, 100, 200, now)
    elif rng.random() < 0.08:
        at = later(at, rng, 90, 130, now)  # answered late
    else:
        if rng.random() < 0.1:
            extend_at = later(at, rng, 20, 40, now)
            if extend_at is not None:
                text = "涉及多个部门，需要联合调查核实，申请延长办理期限。"
                petitions.act(
                    session, ctx, handler, code, "extend", PetitionStepIn(days=20, text=text, at=extend_at)
                )
                at = extend_at
        at = later(at, rng, 10, 55, now)
    if at is None:
        return
    petitions.act(session, ctx, handler, code, "reply", PetitionStepIn(text=rng.choice(REPLIES), at=at))
    replied = at
    if rng.random() < 0.7:
        rated_at = later(replied, rng, 3, 15, now)
        if rated_at is not None:
            value = pick(rng, (("satisfied", 60), ("basically_satisfied", 25), ("unsatisfied", 15)))
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
        at = later(replied, rng, 5, 25, now)
        reviewer = desk.actor(f"G{district}", STAFF)
        if at is None or reviewer is None:
            return
        petitions.act(
            session, ctx, office, code, "request_review", PetitionStepIn(unit=f"G{district}", at=at)
        )
        at = later(at, rng, 10, 25, now)
        if at is None:
            return
        petitions.act(
            session, ctx, reviewer, code, "review", PetitionStepIn(text="经复查，维持原处理意见。", at=at)
        )
        if rng.random() < 0.33:
            unit_type = desk.units[handler.unit_code].unit_type if handler.unit_code in desk.units else None
            city = desk.city_unit(unit_type)
            checker = desk.actor(city, STAFF)
            at = later(at, rng, 5, 20, now)
            if at is None or checker is None:
                return
            petitions.act(session, ctx, office, code, "request_recheck", PetitionStepIn(unit=city, at=at))
            at = later(at, rng, 10, 25, now)
            if at is not None:
                text = "经复核，维持复查意见。信访人以同一事实和理由再次提出的，不再受理。"
                petitions.act(session, ctx, checker, code, "recheck", PetitionStepIn(text=text, at=at))
            return
    matter = session.execute(select(PetitionMatter).where(PetitionMatter.code == code)).scalar_one()
    if matter.due_at is None:
        return
    at = later(as_aware(matter.due_at), rng, 1, 10, now)
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
    at = later(received, rng, 91, 100, now)
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


def register_year(
    session: Session, ctx: CaseContext, desk: Desk, rows: list[Any], rng: random.Random
) -> Counts:
    counts = Counts()
    now = ctx.now()
    registered: list[tuple[str, PetitionIn, Actor]] = []
    for row in rows:
        channel = pick(rng, CHANNELS)
        received = later(as_aware(row.received_at), rng, 3, 40, now)
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
        again = later(as_aware(body.received_at or now), rng, 20, 60, now)
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
