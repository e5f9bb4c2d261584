"""The deadline sweep (预警 / 超期 / 督办) over the cases that may need a change.

SQL narrows, Python decides. Each pass asks the database only for the cases that may need a change
(conditions on the due columns and on the flags), locks them, and ``assess`` decides on each row. The
rule lives in one place, and a run that finds nothing to change writes nothing.

- The deadlines in force depend on the state: 已派单 → 签收 (``sign_due``), 已签收 → 联系 (``contact_due``),
  已联系 → 反馈 (``feedback_due``); the 反馈 deadline also counts in the first two states. 退单待审,
  已反馈, 已回访, 已办结 and 已合并 have none, so they carry no flags.
- 超期 (overdue): now is past a deadline in force. 预警 (warning): not overdue, and the time since
  dispatch has reached ``warning_fraction`` of a deadline's allowance. A case is never both.
- Each overdue stage opens one 督办 per round of handling (a reopen or a re-dispatch starts a round).
- A co-unit called by 吹哨 that has not 报到 by its ``checkin_due`` gets one 督办 ("overdue_checkin").
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    cast,
    exists,
    extract,
    func,
    literal,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.orm import InstrumentedAttribute, Session

from zhili.audit import service as audit
from zhili.auth.scope import Actor
from zhili.auth.service import system_actor
from zhili.cases.context import CaseContext
from zhili.cases.events import build_event
from zhili.cases.models import Case, CaseAssignment, CaseEvent, Supervision
from zhili.cases.states import HANDLING_STATES, OPEN_STATES, AssignmentRole, AssignmentStatus, CaseState
from zhili.kernel.clock import as_aware
from zhili.units.models import Unit

SWEEP_ACTOR = "sweep"
BATCH_SIZE = 500
# Cases one run of the server's loop takes at most: a few seconds of work, so that after a backlog no
# transaction holds its locks (or SQLite's write lock) for long.
PERIODIC_LIMIT = 1000
BACKLOG_PAUSE_SECONDS = 5.0
# Epoch arithmetic in SQL only pre-filters 预警 candidates; the slack keeps a boundary case in the
# candidate set (SQLite truncates to whole seconds) and ``assess`` decides it exactly.
SLACK_SECONDS = 120
# One sweep at a time across server workers and the CLI (PostgreSQL; SQLite writers queue anyway).
PG_LOCK_KEY = 0x7A68696C6931

STAGES = ("sign", "contact", "feedback")
STAGE_LABELS = {"sign": "签收", "contact": "联系市民", "feedback": "反馈", "checkin": "协办报到"}
CURRENT_STAGE = {CaseState.dispatched: "sign", CaseState.signed: "contact", CaseState.contacted: "feedback"}
STAGE_STATES = {
    "sign": frozenset({CaseState.dispatched}),
    "contact": frozenset({CaseState.signed}),
    "feedback": HANDLING_STATES,
}
DUE_COLUMNS = {"sign": Case.sign_due, "contact": Case.contact_due, "feedback": Case.feedback_due}
CHECKIN_REASON = "overdue_checkin"


def reason_for(stage: str) -> str:
    return f"overdue_{stage}"


@dataclass
class SweepReport:
    at: datetime
    examined: int = 0  # candidate cases looked at
    warned: int = 0  # cases newly flagged 预警
    overdue: int = 0  # cases newly flagged 超期
    cleared: int = 0  # cases whose flag was lifted (the deadline moved, or the stage is over)
    supervisions: int = 0  # 督办 records opened, including those for late 报到
    late_checkins: int = 0  # of which for a co-unit's late 报到
    skipped: int = 0  # locked by a concurrent action; the next run takes them
    deferred: int = 0  # beyond the run's limit; the next run takes them

    @property
    def changed(self) -> bool:
        return bool(self.warned or self.overdue or self.cleared or self.supervisions)

    def add(self, change: SweepReport) -> None:
        self.warned += change.warned
        self.overdue += change.overdue
        self.cleared += change.cleared
        self.supervisions += change.supervisions

    def counts(self) -> dict[str, int]:
        return {
            "examined": self.examined,
            "warned": self.warned,
            "overdue": self.overdue,
            "cleared": self.cleared,
            "supervisions": self.supervisions,
            "late_checkins": self.late_checkins,
            "skipped": self.skipped,
            "deferred": self.deferred,
        }


@dataclass(frozen=True)
class Verdict:
    overdue: tuple[tuple[str, datetime], ...]  # (stage, due) of each deadline passed
    warning: tuple[str, datetime] | None  # the deadline that is near, when none has passed

    @property
    def flags(self) -> tuple[bool, bool]:
        """(warning, overdue)"""
        return self.warning is not None, bool(self.overdue)


def deadlines_in_force(case: Case) -> list[tuple[str, datetime]]:
    current = CURRENT_STAGE.get(case.state)
    if current is None:
        return []
    stages = dict.fromkeys((current, "feedback"))
    found = ((stage, getattr(case, f"{stage}_due")) for stage in stages)
    return [(stage, as_aware(due)) for stage, due in found if due is not None]


def assess(case: Case, now: datetime, warning_fraction: float) -> Verdict:
    in_force = deadlines_in_force(case)
    overdue = tuple((stage, due) for stage, due in in_force if now > due)
    if overdue or case.dispatched_at is None:
        return Verdict(overdue, None)
    start = as_aware(case.dispatched_at)
    for stage, due in in_force:
        allowance = (due - start).total_seconds()
        share = 1.0 if allowance <= 0 else (now - start).total_seconds() / allowance
        if share >= warning_fraction:
            return Verdict((), (stage, due))
    return Verdict((), None)


# -- candidate selection (SQL) ----------------------------------------------------------------------


def _past(stage: str, now: datetime) -> ColumnElement[bool]:
    due = DUE_COLUMNS[stage]
    # Every operand is non-null here, so the negation of this condition is exact too.
    return and_(Case.state.in_(STAGE_STATES[stage]), due.is_not(None), due < now)


def _near(stage: str, epoch: float, fraction: float) -> ColumnElement[bool]:
    """start + fraction × (due − start) ≤ epoch, in seconds since 1970."""
    due = DUE_COLUMNS[stage]
    start_share = literal(1 - fraction, Float()) * _epoch(Case.dispatched_at)
    threshold = start_share + literal(fraction, Float()) * _epoch(due)
    return and_(
        Case.state.in_(STAGE_STATES[stage]),
        due.is_not(None),
        Case.dispatched_at.is_not(None),
        threshold <= literal(epoch, Float()),
    )


def _epoch(column: InstrumentedAttribute[datetime | None]) -> ColumnElement[float]:
    return cast(extract("epoch", column), Float())


def _supervised_this_round(reason: str) -> ColumnElement[bool]:
    return exists().where(
        Supervision.case_id == Case.id,
        Supervision.reason == reason,
        or_(Case.dispatched_at.is_(None), Supervision.opened_at >= Case.dispatched_at),
    )


def candidate_queries(now: datetime, fraction: float) -> list[Select[int]]:
    """Ids of the cases that may need a change; together the queries cover every change.

    Each is one index scan (state, or a flag). With 1M cases, 100k of them in handling and 74k
    flagged, the four take about 1 s on PostgreSQL and 1–2 s on SQLite. Folding the 督办 check
    into the first query made it a per-row subplan of 2 s.
    """
    epoch = now.timestamp()
    past = or_(*(_past(s, now) for s in STAGES))
    near = or_(*(_near(s, epoch + SLACK_SECONDS, fraction) for s in STAGES))
    surely_near = or_(*(_near(s, epoch - SLACK_SECONDS, fraction) for s in STAGES))
    unsupervised = or_(*(and_(_past(s, now), not_(_supervised_this_round(reason_for(s)))) for s in STAGES))
    ids = select(Case.id)
    return [
        # Cases in handling that passed a deadline or come near one, and are not flagged yet.
        # "IS NOT true" keeps SQLite on the state index instead of the unselective flag index.
        ids.where(
            Case.state.in_(HANDLING_STATES),
            Case.overdue.is_not(True),
            or_(past, and_(Case.warning.is_not(True), near)),
        ),
        # Flagged cases where another stage has since passed without its 督办.
        ids.where(Case.overdue == true(), unsupervised),
        # Flags that may no longer hold.
        ids.where(Case.overdue == true(), not_(past)),
        ids.where(Case.warning == true(), or_(past, not_(surely_near))),
    ]


def _chunks(ids: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


class _Batch:
    """A batch of locked cases whose events and 督办 records are written in one flush.

    Events are numbered as ``events.append_event`` numbers them, but from one query per batch
    instead of one per event. The row locks keep the numbering safe from concurrent actions.
    """

    def __init__(self, session: Session, ids: Sequence[int], actor: Actor, now: datetime) -> None:
        self.session = session
        self.actor = actor
        self.now = now
        statement = (
            select(Case)
            .where(Case.id.in_(ids))
            .order_by(Case.id)
            .with_for_update(skip_locked=True)  # a case a user is acting on waits for the next run
            .execution_options(populate_existing=True)
        )
        self.cases = session.execute(statement).scalars().all()
        self.skipped = len(ids) - len(self.cases)
        last = session.execute(
            select(CaseEvent.case_id, func.max(CaseEvent.seq))
            .where(CaseEvent.case_id.in_([c.id for c in self.cases]))
            .group_by(CaseEvent.case_id)
        )
        self.last_seq: dict[int, int] = {case_id: seq for case_id, seq in last}

    def event(self, case: Case, action: str, note: str, data: Mapping[str, object]) -> None:
        seq = self.last_seq.get(case.id, 0) + 1
        self.last_seq[case.id] = seq
        self.session.add(
            build_event(
                case,
                seq,
                action=action,
                actor=self.actor,
                at=self.now,
                from_state=case.state,
                note=note,
                data=data,
            )
        )
        self.touch(case)

    def supervise(self, case: Case, reason: str, note: str) -> None:
        self.session.add(
            Supervision(case_id=case.id, reason=reason, note=note, opened_by=SWEEP_ACTOR, opened_at=self.now)
        )
        self.touch(case)

    def touch(self, case: Case) -> None:
        # Bumps the row version too, so an action begun on the old version is refused (409).
        case.updated_at = self.now


def _serialise(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(PG_LOCK_KEY)))


# -- applying the verdict ---------------------------------------------------------------------------


def _local(moment: datetime, tz: ZoneInfo) -> str:
    return f"{moment.astimezone(tz):%Y-%m-%d %H:%M}"


def _supervised_stages(session: Session, cases: Sequence[Case]) -> dict[int, set[str]]:
    """For each case, the stages that already have a sweep 督办 in the current round."""
    reasons = {reason_for(s): s for s in STAGES}
    rows = session.execute(
        select(Supervision.case_id, Supervision.reason, func.max(Supervision.opened_at))
        .where(Supervision.case_id.in_([c.id for c in cases]), Supervision.reason.in_(reasons))
        .group_by(Supervision.case_id, Supervision.reason)
    ).all()
    round_start = {c.id: as_aware(c.dispatched_at) if c.dispatched_at else None for c in cases}
    done: dict[int, set[str]] = {}
    for case_id, reason, last in rows:
        start = round_start[case_id]
        if start is None or as_aware(last) >= start:
            done.setdefault(case_id, set()).add(reasons[reason])
    return done


def _apply(batch: _Batch, case: Case, supervised: set[str], tz: ZoneInfo, fraction: float) -> SweepReport:
    """Bring one case's flags and 督办 records in line with its verdict; returns what changed."""
    change = SweepReport(at=batch.now)
    verdict = assess(case, batch.now, fraction)
    new_stages = [(stage, due) for stage, due in verdict.overdue if stage not in supervised]
    was_warning, was_overdue = case.warning, case.overdue
    if (was_warning, was_overdue) == verdict.flags and not new_stages:
        return change
    case.warning, case.overdue = verdict.flags
    batch.touch(case)
    for stage, due in new_stages:
        note = f"{STAGE_LABELS[stage]}超期（时限 {_local(due, tz)}），系统自动督办"
        batch.supervise(case, reason_for(stage), note)
    change.supervisions = len(new_stages)
    if (was_overdue and not case.overdue) or (was_warning and not case.warning and not case.overdue):
        change.cleared = 1
    if case.overdue and (new_stages or not was_overdue):
        change.overdue = int(not was_overdue)
        note = "；".join(f"{STAGE_LABELS[s]}超期（时限 {_local(d, tz)}）" for s, d in verdict.overdue)
        data = {"stages": [s for s, _ in verdict.overdue], "supervised": [s for s, _ in new_stages]}
        batch.event(case, "sweep_overdue", note, data)
    elif verdict.warning is not None and not was_warning:
        change.warned = 1
        stage, due = verdict.warning
        note = f"{STAGE_LABELS[stage]}时限将至（{_local(due, tz)} 截止）"
        batch.event(case, "sweep_warning", note, {"stage": stage, "due": due})
    return change


def _late_assignments(now: datetime) -> Select[int, int]:
    return (
        select(CaseAssignment.case_id, CaseAssignment.unit_id)
        .join(Case, Case.id == CaseAssignment.case_id)
        .where(
            CaseAssignment.role == AssignmentRole.co,
            CaseAssignment.status == AssignmentStatus.called,
            CaseAssignment.checkin_due.is_not(None),
            CaseAssignment.checkin_due < now,
            Case.state.in_(OPEN_STATES),
            not_(
                exists().where(
                    Supervision.case_id == CaseAssignment.case_id,
                    Supervision.reason == CHECKIN_REASON,
                    Supervision.opened_at >= CaseAssignment.assigned_at,
                )
            ),
        )
        .order_by(CaseAssignment.case_id, CaseAssignment.unit_id)
    )


def _sweep_checkins(session: Session, actor: Actor, now: datetime, report: SweepReport) -> None:
    """One 督办 per case for the co-units called in by 吹哨 that have not 报到 in time."""
    candidates = _late_assignments(now).with_only_columns(CaseAssignment.case_id)
    case_ids = sorted(set(session.execute(candidates).scalars()))
    for chunk in _chunks(case_ids, BATCH_SIZE):
        batch = _Batch(session, chunk, actor, now)
        report.skipped += batch.skipped
        cases = {c.id: c for c in batch.cases}
        # Asked again under the lock: a unit may have 报到 in between.
        late: dict[int, list[int]] = {}
        for case_id, unit_id in session.execute(
            _late_assignments(now).where(CaseAssignment.case_id.in_(list(cases)))
        ):
            late.setdefault(case_id, []).append(unit_id)
        wanted = {u for units in late.values() for u in units}
        units = {
            uid: (code, name)
            for uid, code, name in session.execute(
                select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(wanted))
            )
        }
        for case_id, unit_ids in late.items():
            case = cases[case_id]
            note = "协办单位未按时报到：" + "、".join(units[u][1] for u in unit_ids)
            batch.supervise(case, CHECKIN_REASON, note + "，系统自动督办")
            data = {"stages": ["checkin"], "units": [units[u][0] for u in unit_ids]}
            batch.event(case, "sweep_overdue", note, data)
            report.supervisions += 1
            report.late_checkins += 1
        session.flush()


def sweep(
    session: Session, ctx: CaseContext, now: datetime | None = None, *, limit: int | None = None
) -> SweepReport:
    """Flag 预警 and 超期 cases as of ``now`` (default: the clock; naive means UTC) and open their
    督办 records; only flushes.

    Idempotent: a second run at the same moment changes nothing. Writes one audit entry when it
    changed anything. ``limit`` caps the cases taken in one run, keeping its transaction (and its
    row locks) short after a backlog; the rest are ``deferred`` to the next run.
    """
    now = as_aware(now or ctx.now()).astimezone(UTC)
    actor = system_actor(SWEEP_ACTOR)
    fraction = ctx.settings.warning_fraction
    report = SweepReport(at=now)
    _serialise(session)
    ids: set[int] = set()
    for query in candidate_queries(now, fraction):
        ids.update(session.execute(query).scalars())
    taken = sorted(ids)[:limit] if limit is not None else sorted(ids)
    report.examined = len(taken)
    report.deferred = len(ids) - len(taken)
    for chunk in _chunks(taken, BATCH_SIZE):
        batch = _Batch(session, chunk, actor, now)
        report.skipped += batch.skipped
        supervised = _supervised_stages(session, batch.cases)
        for case in batch.cases:
            report.add(_apply(batch, case, supervised.get(case.id, set()), ctx.tz, fraction))
        session.flush()
    _sweep_checkins(session, actor, now, report)
    if report.changed:
        audit.record(
            session,
            actor=SWEEP_ACTOR,
            action="case.sweep",
            target_type="case",
            detail={"as_of": now.isoformat(), **report.counts()},
        )
    return report
