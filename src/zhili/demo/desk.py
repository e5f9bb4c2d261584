"""What the demo year's petitions and disputes share: the units and the transient staff accounts
that act through the services, a sample of the year's demands to build on, invented people, and
plausible later moments."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.auth.models import User
from zhili.auth.scope import Actor
from zhili.auth.service import actor_for
from zhili.cases.context import CaseContext
from zhili.cases.models import Case
from zhili.demo.policy import ADMIN, LEADER_ROLE
from zhili.divisions.models import Division
from zhili.taxonomy.models import Category
from zhili.units.models import Unit, UnitKind

DEMO_ACTOR = "演示数据"
LEADER = "leader"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕鹏辉晓东雪梅丹宇浩然"


@dataclass
class Counts:
    petitions: int = 0
    matters: int = 0
    disputes: int = 0
    skipped: int = 0


def pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return name, f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"


def _staff(session: Session, unit: Unit | None, role: Any, signer: int) -> Actor:
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
        self.actors: dict[tuple[str, Any], Actor] = {}
        leader = session.execute(select(User).where(User.username == LEADER)).scalar_one_or_none()
        self.leader = leader.username if leader is not None and leader.role == LEADER_ROLE else None
        admin = session.execute(select(User.id).where(User.role == ADMIN).order_by(User.id)).first()
        self.signer = int(admin[0]) if admin else 0
        self.admin = _staff(session, None, ADMIN, self.signer)

    def actor(self, code: str, role: Any) -> Actor | None:
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


def sample_cases(session: Session, ctx: CaseContext, year: int, count: int, rng: random.Random) -> list[Any]:
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


def later(at: datetime, rng: random.Random, low: int, high: int, now: datetime) -> datetime | None:
    """A working-hours moment ``low``–``high`` days after ``at``, or None if that is not yet past."""
    moment = (at + timedelta(days=rng.randint(low, high))).replace(
        hour=rng.randint(1, 8), minute=rng.randrange(60)
    )
    moment = max(moment, at + timedelta(minutes=5))
    return moment if moment < now - timedelta(hours=1) else None


def division_name(session: Session, code: str) -> str:
    division = session.get(Division, code)
    return division.name if division is not None else code
