"""Each rule, on hand-computed examples: the exact rates, composite and rank it must give."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from assessment.factory import BASE, DAY, OCT, SEP, TZ, appeal, call_co, make_case, rates, scores
from support.cases import CHAOYANG_CGW, CHAOYANG_ENV, JIUXIANQIAO, WANGJING
from zhili.assessment import periods
from zhili.assessment.models import AppealStatus, League
from zhili.assessment.service import compute
from zhili.cases.states import CaseState, ClosureKind, Satisfaction
from zhili.kernel.clock import utcnow

S = Satisfaction
CHONGWEN = "S110101012"  # 崇文门外街道 (东城区)


def test_three_rates_composite_and_rank(session: Session) -> None:
    make_case(session, WANGJING)
    make_case(session, WANGJING, late=True, satisfaction=S.basically_satisfied)
    make_case(session, WANGJING, solved=False, satisfaction=S.unsatisfied)
    make_case(session, WANGJING)
    make_case(session, JIUXIANQIAO)
    make_case(session, JIUXIANQIAO)
    got = scores(session)
    wj, jxq = got[WANGJING], got[JIUXIANQIAO]
    # 响应 3/4, 解决 3/4, 满意 (2 + 0.8 x 1) / 4; composite 100 x (0.2 x .75 + 0.4 x .75 + 0.4 x .7)
    assert rates(wj) == (0.75, 0.75, pytest.approx(0.7), None)
    assert (wj.case_count, wj.response_ok, wj.solved, wj.satisfied, wj.basically_satisfied) == (4, 3, 3, 2, 1)
    assert wj.composite == 73.0
    assert jxq.composite == 100.0
    assert (jxq.rank, wj.rank) == (1, 2)
    assert wj.league == jxq.league == League.street
    # Outside October nothing counts.
    assert scores(session, period=SEP) == {}


def test_partial_credit_and_weights_are_configuration(session: Session) -> None:
    make_case(session, WANGJING, satisfaction=S.basically_satisfied)
    make_case(session, WANGJING, late=True)
    rules = BASE.model_copy(
        update={
            "partial_credit": 0.5,
            "weight_response": 0.5,
            "weight_resolution": 0,
            "weight_satisfaction": 0.5,
        }
    )
    row = scores(session, rules)[WANGJING]
    assert row.satisfaction_rate == 0.75  # (1 + 0.5) / 2
    assert row.composite == 62.5  # 100 x (0.5 x 0.5 + 0.5 x 0.75) / 1.0


def test_ties_share_a_rank_and_the_next_rank_is_skipped(session: Session) -> None:
    for unit in (WANGJING, JIUXIANQIAO):
        make_case(session, unit)
    make_case(session, CHONGWEN, solved=False)
    got = scores(session)
    assert (got[WANGJING].rank, got[JIUXIANQIAO].rank, got[CHONGWEN].rank) == (1, 1, 3)


def test_direct_closures_are_excluded_unless_configured(session: Session) -> None:
    make_case(session, WANGJING, solved=False, satisfaction=S.unsatisfied)
    make_case(session, WANGJING, closure=ClosureKind.direct, contacted=False, solved=None, satisfaction=None)
    row = scores(session)[WANGJING]
    assert (row.case_count, *rates(row)) == (1, 1.0, 0.0, 0.0, None)
    counted = scores(session, BASE.model_copy(update={"exclude_direct": False}))[WANGJING]
    # The consultation answered at once counts as responded, solved and satisfied.
    assert (counted.case_count, *rates(counted)) == (2, 1.0, 0.5, 0.5, None)


def test_merged_duplicates_are_excluded_unless_configured(session: Session) -> None:
    primary = make_case(session, WANGJING, late=True, solved=False, satisfaction=S.basically_satisfied)
    make_case(session, None, state=CaseState.merged, merged_into=primary, closed_at=None)
    make_case(session, None, state=CaseState.merged, merged_into=primary, closed_at=None)
    make_case(session, WANGJING)
    assert scores(session)[WANGJING].case_count == 2
    row = scores(session, BASE.model_copy(update={"exclude_merged": False}))[WANGJING]
    # Each duplicate counts as one more case with the primary's outcome: 4 cases, 3 like the primary.
    assert row.case_count == 4
    assert rates(row) == (0.25, 0.25, pytest.approx((1 + 3 * 0.8) / 4), None)


def test_unreachable_citizens_count_as_configured(session: Session) -> None:
    make_case(session, WANGJING, solved=False, satisfaction=S.unsatisfied)
    # A stale answer from an earlier round must not count once the case closed as unreachable.
    make_case(session, WANGJING, closure=ClosureKind.unreachable, solved=True, satisfaction=S.satisfied)
    excluded = scores(session)[WANGJING]
    assert (excluded.case_count, excluded.response_total, excluded.resolution_total) == (2, 2, 1)
    assert rates(excluded) == (1.0, 0.0, 0.0, None)
    solved = scores(session, BASE.model_copy(update={"unreachable": "solved"}))[WANGJING]
    assert rates(solved) == (1.0, 0.5, 0.5, None)
    unsolved = scores(session, BASE.model_copy(update={"unreachable": "unsolved"}))[WANGJING]
    assert rates(unsolved) == (1.0, 0.0, 0.0, None)
    assert unsolved.resolution_total == 2


def test_reopened_cases_count_each_round_or_once(session: Session) -> None:
    make_case(session, WANGJING, reopens=2)  # solved and 满意 in the third round
    make_case(session, WANGJING)
    each = scores(session)[WANGJING]
    # Two earlier rounds count as unresolved and unsatisfied: 2 / 4.
    assert (each.case_count, each.resolution_total, each.satisfaction_total) == (2, 4, 4)
    assert rates(each) == (1.0, 0.5, 0.5, None)
    once = scores(session, BASE.model_copy(update={"reopen": "once"}))[WANGJING]
    assert rates(once) == (1.0, 1.0, 1.0, None)


def test_period_basis_closed_or_received(session: Session) -> None:
    # Received on 28 September, closed on 15 October.
    make_case(session, WANGJING, received_at=DAY - timedelta(days=17), solved=False)
    assert scores(session)[WANGJING].case_count == 1
    assert scores(session, period=SEP) == {}
    received = BASE.model_copy(update={"basis": "received"})
    assert scores(session, received) == {}
    assert scores(session, received, SEP)[WANGJING].case_count == 1


def test_open_cases_are_not_assessed(session: Session) -> None:
    make_case(session, WANGJING, state=CaseState.reported)
    make_case(session, WANGJING, state=CaseState.visited)
    assert scores(session) == {}


def test_min_cases_leaves_small_units_unranked(session: Session) -> None:
    make_case(session, WANGJING)
    make_case(session, WANGJING)
    make_case(session, JIUXIANQIAO)
    got = scores(session, BASE.model_copy(update={"min_cases": 2}))
    assert (got[WANGJING].rank, got[JIUXIANQIAO].rank) == (1, None)
    assert got[JIUXIANQIAO].composite == 100.0


def test_bottom_streets_are_focus_streets(session: Session) -> None:
    make_case(session, WANGJING)
    make_case(session, JIUXIANQIAO, solved=False)
    make_case(session, CHONGWEN, late=True)
    make_case(session, CHAOYANG_CGW, solved=False, satisfaction=S.unsatisfied)
    got = scores(session, BASE.model_copy(update={"focus_streets": 1}))
    assert [got[c].focus for c in (WANGJING, CHONGWEN, JIUXIANQIAO)] == [False, False, True]
    assert got[CHAOYANG_CGW].focus is False  # only streets are focus streets
    assert got[CHAOYANG_CGW].rank == 1  # alone in the district departments' league
    two = scores(session, BASE.model_copy(update={"focus_streets": 2}))
    assert [two[c].focus for c in (WANGJING, CHONGWEN, JIUXIANQIAO)] == [False, True, True]


def test_leagues_are_kept_apart(session: Session) -> None:
    make_case(session, WANGJING)
    make_case(session, CHAOYANG_CGW)
    make_case(session, "M11-JTW")
    make_case(session, "E11-POWER")
    rows = compute(session, OCT, BASE, TZ)
    assert [(r.unit_code, r.league, r.rank) for r in rows] == [
        (WANGJING, League.street, 1),
        (CHAOYANG_CGW, League.district_dept, 1),
        ("M11-JTW", League.city_dept, 1),
        ("E11-POWER", League.enterprise, 1),
    ]


def test_co_units_are_scored_on_checkin_timeliness(session: Session) -> None:
    first = make_case(session, WANGJING)
    second = make_case(session, WANGJING)
    third = make_case(session, JIUXIANQIAO)
    call_co(session, first, CHAOYANG_CGW)
    call_co(session, second, CHAOYANG_CGW, late=True)
    call_co(session, third, CHAOYANG_CGW)
    # Released before it checked in (the lead's 退单 was approved): not scored.
    call_co(session, third, CHAOYANG_ENV, checked_in=False, released=True)
    got = scores(session)
    cgw = got[CHAOYANG_CGW]
    assert (cgw.case_count, cgw.checkin_ok, cgw.checkin_total) == (0, 2, 3)
    assert cgw.checkin_rate == pytest.approx(2 / 3)
    assert cgw.composite == round(100 * 2 / 3, 2)  # only the 报到 rate is defined
    assert cgw.rank is None  # no case of its own to lead: listed, not ranked (min_cases = 1)
    assert CHAOYANG_ENV not in got
    # The lead unit's own rates are untouched by its co-units.
    assert rates(got[WANGJING]) == (1.0, 1.0, 1.0, None)


def test_a_unit_that_leads_and_assists_gets_a_weighted_composite(session: Session) -> None:
    make_case(session, CHAOYANG_CGW, late=True)
    helped = make_case(session, WANGJING)
    call_co(session, helped, CHAOYANG_CGW, late=True)
    row = scores(session)[CHAOYANG_CGW]
    # 响应 0, 解决 1, 满意 1, 报到 0: 100 x (0.2 x 0 + 0.4 + 0.4 + 0.1 x 0) / 1.1
    assert rates(row) == (0.0, 1.0, 1.0, 0.0)
    assert row.composite == round(100 * 0.8 / 1.1, 2)


def test_appeals_approved_exclude_rejected_count_pending_as_configured(session: Session) -> None:
    bad = make_case(session, WANGJING, solved=False, satisfaction=S.unsatisfied)
    make_case(session, WANGJING)
    assert rates(scores(session)[WANGJING]) == (1.0, 0.5, 0.5, None)
    row = appeal(session, bad, WANGJING, AppealStatus.rejected)
    assert rates(scores(session)[WANGJING]) == (1.0, 0.5, 0.5, None)
    row.status = AppealStatus.pending
    session.flush()
    pending = scores(session)[WANGJING]
    assert (pending.case_count, pending.excluded_by_appeal, *rates(pending)) == (1, 1, 1.0, 1.0, 1.0, None)
    counted = scores(session, BASE.model_copy(update={"exclude_under_appeal": False}))[WANGJING]
    assert rates(counted) == (1.0, 0.5, 0.5, None)
    row.status = AppealStatus.approved
    session.flush()
    for rules in (BASE, BASE.model_copy(update={"exclude_under_appeal": False})):
        approved = scores(session, rules)[WANGJING]
        assert (approved.case_count, approved.excluded_by_appeal) == (1, 1)
        assert rates(approved) == (1.0, 1.0, 1.0, None)


def test_an_appeal_excludes_the_case_only_for_the_appealing_unit(session: Session) -> None:
    case = make_case(session, WANGJING, late=True)
    call_co(session, case, CHAOYANG_CGW, late=True)
    appeal(session, case, CHAOYANG_CGW, AppealStatus.approved)
    got = scores(session)
    assert CHAOYANG_CGW not in got
    assert got[WANGJING].response_rate == 0.0


def test_a_call_counts_once_its_checkin_is_decided(session: Session) -> None:
    missed = make_case(session, WANGJING)
    call_co(session, missed, CHAOYANG_CGW, checked_in=False)  # its deadline passed in October
    cgw = scores(session)[CHAOYANG_CGW]
    assert (cgw.checkin_ok, cgw.checkin_total) == (0, 1)
    # A call whose deadline is still ahead is not scored until the unit checks in.
    now = utcnow()
    today = now.astimezone(TZ).date()
    around = periods.Period(today - timedelta(days=1), today + timedelta(days=2))
    running = make_case(session, WANGJING, state=CaseState.contacted, received_at=now - timedelta(hours=1))
    call = call_co(session, running, CHAOYANG_CGW, checked_in=False)
    assert scores(session, period=around) == {}
    call.checked_in_at = now
    session.flush()
    cgw = scores(session, period=around)[CHAOYANG_CGW]
    assert (cgw.checkin_ok, cgw.checkin_total, cgw.case_count) == (1, 1, 0)


def test_imported_cases_count_what_their_legacy_record_holds(session: Session) -> None:
    make_case(session, WANGJING)
    legacy = make_case(session, WANGJING, closure=ClosureKind.imported, solved=None, satisfaction=None)
    legacy.contact_due = None  # no contact limit in the legacy record: never late
    session.flush()
    row = scores(session)[WANGJING]
    assert (row.case_count, row.response_ok, row.resolution_total, row.satisfaction_total) == (2, 2, 1, 1)
    make_case(
        session, WANGJING, closure=ClosureKind.imported, solved=False, satisfaction=S.basically_satisfied
    )
    row = scores(session)[WANGJING]
    assert rates(row) == (1.0, 0.5, pytest.approx(0.9), None)
