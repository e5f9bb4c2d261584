"""Attribution on cases that went through the real HTTP lifecycle: 退单, 吹哨报到, 重办, 合并, 直接办结."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from assessment.factory import BASE, TZ, rates
from support.cases import CHAOYANG_CGW, WANGJING, act, intake, staff
from zhili.assessment.config import Rules
from zhili.assessment.periods import Period
from zhili.assessment.scoring import UnitScore
from zhili.assessment.service import compute
from zhili.cases.models import Case
from zhili.kernel.clock import utcnow
from zhili.knowledge.models import KnowledgeEntry

REPLY = "已现场处理并答复市民。"


def around_now(session: Session, rules: Rules = BASE) -> dict[str, UnitScore]:
    """Every case of these tests is closed now: assess the days around today."""
    today = utcnow().astimezone(TZ).date()
    period = Period(today - timedelta(days=1), today + timedelta(days=2))
    return {row.unit_code: row for row in compute(session, period, rules, TZ)}


def handle(s: Any, code: str, client: Any = None, **visit: Any) -> dict[str, Any]:
    unit = client or s.street
    act(unit, code, "sign")
    act(unit, code, "contact")
    act(unit, code, "report", reply=REPLY)
    answer = {"contacted": True, "solved": True, "satisfaction": "满意", **visit}
    return act(s.operator, code, "visit", **answer)


def test_a_handled_case_counts_for_its_lead_unit(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    assert handle(s, code)["state"] == "closed"
    row = around_now(session)[WANGJING]
    assert (row.case_count, *rates(row)) == (1, 1.0, 1.0, 1.0, None)


def test_an_approved_return_does_not_count_against_the_returning_unit(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=CHAOYANG_CGW)
    act(s.dept, code, "return", reason="属于街道职责")
    act(s.dispatcher, code, "approve_return", note="改派望京街道", lead_unit=WANGJING)
    handle(s, code)
    got = around_now(session)
    assert CHAOYANG_CGW not in got
    assert got[WANGJING].case_count == 1


def test_a_rejected_return_counts_against_the_returning_unit(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "return", reason="不属于街道")
    act(s.dispatcher, code, "reject_return", reason="属地管理，街道牵头")
    # The contact limit kept running while the return waited: it has passed by the time of contact.
    session.execute(update(Case).where(Case.code == code).values(contact_due=utcnow() - timedelta(minutes=5)))
    handle(s, code)
    row = around_now(session)[WANGJING]
    assert (row.case_count, *rates(row)) == (1, 0.0, 1.0, 1.0, None)


def test_co_units_are_scored_on_their_checkin(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "whistle", units=[CHAOYANG_CGW], note="请城管委报到")
    act(s.dept, code, "check_in")
    act(s.dept, code, "report_part", reply="已安排执法队现场劝导")
    act(s.street, code, "contact")
    act(s.street, code, "report", reply=REPLY)
    act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="满意")
    got = around_now(session)
    cgw = got[CHAOYANG_CGW]
    assert (cgw.case_count, cgw.checkin_ok, cgw.checkin_total, cgw.checkin_rate) == (0, 1, 1, 1.0)
    assert got[WANGJING].case_count == 1


def test_a_reopened_case_counts_again(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    reopened = handle(s, code, solved=False, satisfaction="不满意")
    assert reopened["state"] == "dispatched" and reopened["reopen_count"] == 1
    assert handle(s, code, satisfaction="基本满意")["state"] == "closed"
    each = around_now(session)[WANGJING]
    # Two rounds: the first unresolved and unsatisfied, the second solved and 基本满意.
    assert (each.case_count, each.resolution_total, each.satisfaction_total) == (1, 2, 2)
    assert rates(each) == (1.0, 0.5, 0.4, None)
    once = around_now(session, BASE.model_copy(update={"reopen": "once"}))[WANGJING]
    assert rates(once) == (1.0, 1.0, 0.8, None)


def test_merged_duplicates_follow_their_primary(app: Any, session: Session) -> None:
    s = staff(app, session)
    primary = intake(s.operator)
    duplicate = intake(s.operator, citizen={"name": "李四", "phone": "13900001111"})
    act(s.dispatcher, primary, "dispatch", lead_unit=WANGJING)
    act(s.operator, duplicate, "merge", target=primary)
    handle(s, primary)
    assert around_now(session)[WANGJING].case_count == 1
    counted = around_now(session, BASE.model_copy(update={"exclude_merged": False}))[WANGJING]
    assert counted.case_count == 2


def test_a_direct_closure_counts_for_no_unit(app: Any, session: Session) -> None:
    s = staff(app, session)
    entry = KnowledgeEntry(
        question="公租房申请条件？", answer="符合条件即可申请。", keywords="公租房", created_by="t"
    )
    session.add(entry)
    session.flush()
    code = intake(s.operator, demand_type="咨询")
    act(s.operator, code, "direct_close", knowledge_entry_id=entry.id)
    assert around_now(session) == {}
    assert around_now(session, BASE.model_copy(update={"exclude_direct": False})) == {}
