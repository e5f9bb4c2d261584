"""Reads of dispute data, each through ``readable_disputes(actor)``: staff read their jurisdiction
(a street its street, a district its streets), supervisors and admins theirs. Figures are grouped SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, case, false, func, select
from sqlalchemy.orm import Session

from zhili.auth.models import User
from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case
from zhili.errors import NotFound
from zhili.kernel.keyset import after, decode, encode
from zhili.mediation.models import (
    CheckFinding,
    CheckRound,
    Dispute,
    DisputeCaseLink,
    DisputeParty,
    DisputeSession,
    DisputeStep,
    MediationCommittee,
    Mediator,
    RoutingRule,
)
from zhili.mediation.policy import STAFF_ROLES, can_read_disputes
from zhili.mediation.states import OPEN_STATES, Confirmation, DisputeKind, DisputeState
from zhili.units.models import Unit

ROUNDS = "rounds"  # the 排查 list's cursor names it


def _visible(actor: Actor) -> ColumnElement[bool]:
    if not can_read_disputes(actor):
        return false()
    return readable(actor).clause(Dispute.division_code)


def readable_disputes(actor: Actor) -> Select[Dispute]:
    """The one scoped statement every read of disputes starts from."""
    return select(Dispute).where(_visible(actor))


def get_readable(session: Session, actor: Actor, code: str, *, for_update: bool = False) -> Dispute:
    statement = readable_disputes(actor).where(Dispute.code == code)
    if for_update:
        statement = statement.with_for_update()
    dispute = session.scalars(statement).first()
    if dispute is None:
        raise NotFound(f"纠纷 {code} 不存在或不在您的查看范围内")
    return dispute


def by_code(session: Session, code: str) -> Dispute | None:
    """Unscoped: only for the applicant's tracking, which the phone tail guards (``tracking``)."""
    return session.scalars(select(Dispute).where(Dispute.code == code)).first()


def list_disputes(
    session: Session, actor: Actor, *, state: DisputeState | None = None, limit: int = 200
) -> Sequence[Dispute]:
    statement = readable_disputes(actor).order_by(Dispute.received_at.desc(), Dispute.id.desc()).limit(limit)
    if state is not None:
        statement = statement.where(Dispute.state == state)
    return session.scalars(statement).all()


def parties_of(session: Session, dispute_id: int) -> Sequence[DisputeParty]:
    return session.scalars(
        select(DisputeParty).where(DisputeParty.dispute_id == dispute_id).order_by(DisputeParty.position)
    ).all()


def sessions_of(session: Session, dispute_id: int) -> Sequence[DisputeSession]:
    return session.scalars(
        select(DisputeSession).where(DisputeSession.dispute_id == dispute_id).order_by(DisputeSession.at)
    ).all()


def steps_of(session: Session, dispute_id: int) -> Sequence[DisputeStep]:
    return session.scalars(
        select(DisputeStep).where(DisputeStep.dispute_id == dispute_id).order_by(DisputeStep.id)
    ).all()


def linked_case_codes(session: Session, dispute_id: int) -> list[str]:
    rows = session.execute(
        select(Case.code)
        .join(DisputeCaseLink, DisputeCaseLink.case_id == Case.id)
        .where(DisputeCaseLink.dispute_id == dispute_id)
        .order_by(DisputeCaseLink.id)
    ).all()
    return [code for (code,) in rows]


def committee_name(session: Session, committee_id: int | None) -> str | None:
    committee = session.get(MediationCommittee, committee_id) if committee_id else None
    return committee.name if committee else None


def mediator_name(session: Session, mediator_id: int | None) -> str | None:
    mediator = session.get(Mediator, mediator_id) if mediator_id else None
    return mediator.name if mediator else None


def routing_rules(session: Session) -> Sequence[RoutingRule]:
    return session.scalars(select(RoutingRule).order_by(RoutingRule.priority, RoutingRule.id)).all()


def committees(session: Session) -> Sequence[MediationCommittee]:
    return session.scalars(
        select(MediationCommittee).order_by(MediationCommittee.division_code, MediationCommittee.id)
    ).all()


def committee_for(session: Session, track: object, division_code: str) -> MediationCommittee | None:
    """The active committee of ``track`` closest to the place: the longest code that is its prefix."""
    candidates = session.scalars(
        select(MediationCommittee).where(
            MediationCommittee.track == track, MediationCommittee.active.is_(True)
        )
    ).all()
    serving = [c for c in candidates if division_code.startswith(c.division_code)]
    return max(serving, key=lambda c: (len(c.division_code), -c.id), default=None)


def _loads() -> Select[int | None, int]:
    return (
        select(Dispute.mediator_id, func.count().label("load"))
        .where(Dispute.mediator_id.is_not(None), Dispute.state.in_(OPEN_STATES))
        .group_by(Dispute.mediator_id)
    )


def mediators_with_load(
    session: Session, *, committee_id: int | None = None, active_only: bool = True
) -> Sequence[tuple[Mediator, str, int]]:
    loads = _loads().subquery()
    statement = (
        select(Mediator, MediationCommittee.name, func.coalesce(loads.c.load, 0))
        .join(MediationCommittee, MediationCommittee.id == Mediator.committee_id)
        .outerjoin(loads, loads.c.mediator_id == Mediator.id)
        .order_by(Mediator.committee_id, Mediator.id)
    )
    if active_only:
        statement = statement.where(Mediator.active.is_(True))
    if committee_id is not None:
        statement = statement.where(Mediator.committee_id == committee_id)
    return [(m, name, int(load)) for m, name, load in session.execute(statement).all()]


def mediator_load(session: Session, mediator_id: int) -> int:
    """Open disputes assigned to one mediator."""
    statement = select(func.count()).where(Dispute.mediator_id == mediator_id, Dispute.state.in_(OPEN_STATES))
    return int(session.scalar(statement) or 0)


def suggested_mediators(session: Session, dispute: Dispute) -> list[tuple[Mediator, str, int]]:
    """The committee's mediators with the dispute's kind as a specialty whose area covers its place,
    least loaded first (then by id)."""
    if dispute.committee_id is None:
        return []
    fitting = [
        row
        for row in mediators_with_load(session, committee_id=dispute.committee_id)
        if dispute.kind.value in row[0].specialties.split(",")
        and dispute.division_code.startswith(row[0].area)
    ]
    return sorted(fitting, key=lambda row: (row[2], row[0].id))


def specialties(mediator: Mediator) -> list[DisputeKind]:
    return [DisputeKind(k) for k in mediator.specialties.split(",") if k]


def figures(session: Session, actor: Actor, level: str) -> list[dict[str, object]]:
    """调解成功率, 协议履行率 and 司法确认数 by street (9 digits) or district (6): one grouped statement."""
    width = 9 if level == "street" else 6
    place = func.substr(Dispute.division_code, 1, width)

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = session.execute(
        select(
            place,
            func.count(),
            counted(Dispute.outcome.is_not(None)),
            counted(Dispute.outcome == "success"),
            counted(Dispute.performed.is_not(None)),
            counted(Dispute.performed.is_(True)),
            counted(Dispute.confirmation == Confirmation.confirmed),
        )
        .where(_visible(actor))
        .group_by(place)
        .order_by(place)
    ).all()
    out: list[dict[str, object]] = []
    for code, disputes, concluded, succeeded, followed, performed, confirmed in rows:
        out.append(
            {
                "division_code": code,
                "disputes": int(disputes),
                "concluded": int(concluded),
                "succeeded": int(succeeded),
                "success_rate": round(int(succeeded) / int(concluded), 4) if concluded else None,
                "followed_up": int(followed),
                "performed": int(performed),
                "performance_rate": round(int(performed) / int(followed), 4) if followed else None,
                "confirmed": int(confirmed),
            }
        )
    return out


def readable_rounds(actor: Actor) -> Select[CheckRound]:
    """排查 rounds, scoped by their community as disputes are."""
    if not can_read_disputes(actor):
        return select(CheckRound).where(false())
    return select(CheckRound).where(readable(actor).clause(CheckRound.division_code))


def list_rounds(session: Session, actor: Actor, *, limit: int = 100) -> Sequence[CheckRound]:
    return rounds_page(session, actor, limit=limit, cursor=None)[0]


def count_rounds(session: Session, actor: Actor, cap: int) -> tuple[int, bool]:
    """How many rounds the actor sees, counted up to ``cap`` (and whether there are more)."""
    ids = readable_rounds(actor).with_only_columns(CheckRound.id).limit(cap + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(ids)).scalar_one())
    return min(found, cap), found > cap


def rounds_page(
    session: Session, actor: Actor, *, limit: int, cursor: str | None
) -> tuple[Sequence[CheckRound], str | None]:
    """The rounds, latest first, after ``cursor`` (a keyset page; raises BadCursor), and the cursor
    of the page after it."""
    statement = readable_rounds(actor).order_by(CheckRound.checked_on.desc(), CheckRound.id.desc())
    if cursor:
        where = after(
            CheckRound.checked_on,
            CheckRound.id,
            decode(cursor, ROUNDS, date),
            descending=True,
            nulls_first=True,
        )
        statement = statement.where(where)
    rows = session.scalars(statement.limit(limit + 1)).all()
    following = None
    if len(rows) > limit:
        following = encode(ROUNDS, rows[limit - 1].checked_on, rows[limit - 1].id)
    return rows[:limit], following


def get_round(session: Session, actor: Actor, round_id: int) -> CheckRound:
    found = session.scalars(readable_rounds(actor).where(CheckRound.id == round_id)).first()
    if found is None:
        raise NotFound(f"排查记录 {round_id} 不存在或不在您的查看范围内")
    return found


def findings_of(session: Session, round_id: int) -> Sequence[CheckFinding]:
    return session.scalars(
        select(CheckFinding).where(CheckFinding.round_id == round_id).order_by(CheckFinding.position)
    ).all()


def dispute_code_of(session: Session, dispute_id: int | None) -> str | None:
    dispute = session.get(Dispute, dispute_id) if dispute_id else None
    return dispute.code if dispute else None


def _meets(actor: Actor, area: str) -> bool:
    """The reader's reach meets a committee's area, either way round (a street's staff see the
    district's committees, a district's the committees of its streets)."""
    scope = readable(actor)
    return can_read_disputes(actor) and (
        scope.covers(area) or any(code.startswith(area) for code in scope.division_codes)
    )


def get_committee(session: Session, actor: Actor, committee_id: int) -> MediationCommittee:
    """A committee page is for those whose reach meets the area it serves (either way round)."""
    committee = session.get(MediationCommittee, committee_id)
    if committee is None or not _meets(actor, committee.division_code):
        raise NotFound(f"调解组织 {committee_id} 不存在或不在您的查看范围内")
    return committee


def registry_committees(session: Session, actor: Actor) -> list[MediationCommittee]:
    """The registry as the reader sees it: the committees, active or not, whose area meets his reach."""
    return [c for c in committees(session) if _meets(actor, c.division_code)]


def registry_mediators(session: Session, actor: Actor) -> list[tuple[Mediator, str, int]]:
    """The mediators (active or not) of the committees in ``registry_committees``, with their loads."""
    seen = {c.id for c in registry_committees(session, actor)}
    return [row for row in mediators_with_load(session, active_only=False) if row[0].committee_id in seen]


def get_mediator(session: Session, actor: Actor, mediator_id: int) -> Mediator:
    mediator = session.get(Mediator, mediator_id)
    committee = session.get(MediationCommittee, mediator.committee_id) if mediator else None
    if mediator is None or committee is None or not _meets(actor, committee.division_code):
        raise NotFound(f"调解员 {mediator_id} 不存在或不在您的查看范围内")
    return mediator


def get_rule(session: Session, rule_id: int) -> RoutingRule:
    """分流 rules are city-wide data, not bound to a place."""
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"分流规则 {rule_id} 不存在")
    return rule


def linkable_accounts(session: Session) -> list[tuple[str, str]]:
    """The active accounts a mediator may be linked to (the staff who mediate), as (username,
    "姓名（单位）"), by unit and name."""
    rows = session.execute(
        select(User.username, User.display_name, Unit.name)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.role.in_(sorted(STAFF_ROLES)), User.is_active.is_(True))
        .order_by(Unit.name, User.display_name, User.username)
        .limit(2000)
    ).all()
    return [(u, f"{d or u}（{unit}）" if unit else (d or u)) for u, d, unit in rows]


def account_username(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id else None
    return user.username if user else None


def committee_disputes(
    session: Session, actor: Actor, committee_id: int, *, limit: int = 200
) -> Sequence[Dispute]:
    statement = (
        readable_disputes(actor)
        .where(Dispute.committee_id == committee_id)
        .order_by(Dispute.received_at.desc(), Dispute.id.desc())
        .limit(limit)
    )
    return session.scalars(statement).all()


def my_disputes(session: Session, actor: Actor, *, limit: int = 200) -> Sequence[Dispute]:
    """The disputes assigned to the mediators registered under the actor's account."""
    if actor.user_id is None:
        return []
    mine = select(Mediator.id).where(Mediator.user_id == actor.user_id)
    statement = (
        readable_disputes(actor)
        .where(Dispute.mediator_id.in_(mine))
        .order_by(Dispute.received_at.desc(), Dispute.id.desc())
        .limit(limit)
    )
    return session.scalars(statement).all()
