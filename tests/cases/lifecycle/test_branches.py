"""Every branch of the lifecycle over HTTP: 退单, 延期, 吹哨报到, 重办, 合并, 关联, 督办, 直接办结."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from support.cases import CHAOYANG_CGW, CHAOYANG_ENV, CHAOYANG_MARKET, WANGJING, act, intake, staff
from zhili.cases.models import Case, CaseAssignment, CaseLink, Supervision
from zhili.cases.states import AssignmentRole, AssignmentStatus
from zhili.knowledge.models import KnowledgeEntry


def _handling(s: Any, code: str, unit: str = WANGJING) -> None:
    act(s.dispatcher, code, "dispatch", lead_unit=unit)


def test_return_approved_then_redispatched(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=CHAOYANG_CGW)
    act(s.dept, code, "return", expect=422)  # a reason is required
    returned = act(s.dept, code, "return", reason="噪音扰民属于社会生活噪声，应由街道牵头处理")
    assert returned["state"] == "return_requested"
    # The unit cannot act while the return is pending.
    act(s.dept, code, "sign", expect=409)
    approved = act(s.dispatcher, code, "approve_return", note="同意，改派望京街道", lead_unit=WANGJING)
    assert approved["state"] == "dispatched"
    assert approved["lead_unit"] == WANGJING
    assert approved["return_count"] == 1
    assert [e["action"] for e in approved["events"]][-3:] == ["return", "approve_return", "dispatch"]
    # The former lead unit no longer sees the case at all.
    assert s.dept.get(f"/api/cases/{code}").status_code == 404
    act(s.street, code, "sign")


def test_return_approved_without_new_unit_waits_for_dispatch(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=CHAOYANG_CGW)
    act(s.dept, code, "return", reason="不属于本单位职责")
    case = act(s.dispatcher, code, "approve_return")
    assert case["state"] == "received"
    assert case["lead_unit"] is None
    assert case["feedback_due"] is None


def test_return_rejected_forces_the_assignment(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    act(s.street, code, "sign")
    act(s.street, code, "return", reason="小区物业问题，不属于街道")
    act(s.dispatcher, code, "reject_return", expect=422)  # the rejection needs a reason
    rejected = act(s.dispatcher, code, "reject_return", reason="属地管理，街道牵头协调物业")
    assert rejected["state"] == "dispatched"
    assert rejected["lead_unit"] == WANGJING
    again = s.street.post(f"/api/cases/{code}/sign", json={})
    assert again.status_code == 200
    refused = s.street.post(f"/api/cases/{code}/return", json={"reason": "再次退单"})
    assert refused.status_code == 409
    assert "强制" in refused.json()["error"]["message"]


def _stale_lead_assignments(session: Session) -> int:
    """Lead assignments still at work that do not name their case's lead unit. The case lists read a
    unit's lead cases through ``cases.lead_unit_id`` alone (``repository.called_in``), so none may exist."""
    session.expire_all()
    stale = select(func.count()).select_from(CaseAssignment).join(Case, Case.id == CaseAssignment.case_id)
    stale = stale.where(
        CaseAssignment.role == AssignmentRole.lead,
        CaseAssignment.status != AssignmentStatus.released,
        or_(Case.lead_unit_id.is_(None), Case.lead_unit_id != CaseAssignment.unit_id),
    )
    return int(session.scalar(stale) or 0)


def _listed(client: Any, code: str) -> bool:
    listed = client.get("/api/cases", params={"q": code})
    assert listed.status_code == 200
    return code in {c["code"] for c in listed.json()["items"]}


def test_a_lead_assignment_at_work_always_names_the_lead_unit(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    steps: list[tuple[Any, str, dict[str, Any]]] = [
        (s.dispatcher, "dispatch", {"lead_unit": CHAOYANG_CGW}),
        (s.dept, "return", {"reason": "不属于本单位职责"}),
        (s.dispatcher, "approve_return", {"note": "改派望京街道", "lead_unit": WANGJING}),
        (s.street, "sign", {}),
        (s.street, "return", {"reason": "物业问题"}),
        (s.dispatcher, "reject_return", {"reason": "属地管理，街道牵头"}),
        (s.street, "sign", {}),
        (s.street, "contact", {}),
        (s.street, "whistle", {"units": [CHAOYANG_CGW]}),
        (s.dept, "check_in", {}),
        (s.dept, "report_part", {"reply": "已检查"}),
        (s.street, "report", {"reply": "已协调"}),
        (s.operator, "visit", {"contacted": True, "solved": False, "satisfaction": "不满意"}),
        (s.street, "sign", {}),
        (s.street, "contact", {}),
        (s.street, "report", {"reply": "已整改"}),
        (s.operator, "visit", {"contacted": True, "solved": True, "satisfaction": "满意"}),
        (s.dispatcher, "reopen", {"note": "问题复发"}),
    ]
    for client, action, body in steps:
        act(client, code, action, **body)
        assert _stale_lead_assignments(session) == 0, action
    # The department led the case, gave it back, and was called in again: it reads the case as a
    # co-unit, in its list and alone; the street office leads it.
    assert _listed(s.dept, code) and _listed(s.street, code)
    assert s.dept.get(f"/api/cases/{code}").status_code == 200


def test_extension_requested_approved_and_only_once(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    before = act(s.street, code, "sign")["feedback_due"]
    act(s.street, code, "request_extension", expect=422, reason="需协调多个部门")  # no duration
    act(s.street, code, "request_extension", expect=422, extension="30d", reason="太长")
    act(s.street, code, "request_extension", expect=422, extension="十天", reason="格式不对")
    act(s.street, code, "request_extension", extension="10d", reason="需协调多个部门现场会商")
    act(s.street, code, "request_extension", expect=409, extension="5d", reason="重复申请")
    approved = act(s.dispatcher, code, "approve_extension", note="同意延期")
    assert approved["extended"] is True
    assert approved["feedback_due"] > before
    act(s.street, code, "request_extension", expect=409, extension="5d", reason="第二次")
    act(s.dispatcher, code, "approve_extension", expect=409)


def test_extension_denied_keeps_the_deadline(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    before = act(s.street, code, "sign")["feedback_due"]
    act(s.street, code, "request_extension", extension="5wd", reason="人手不足")
    act(s.dispatcher, code, "deny_extension", expect=422)
    denied = act(s.dispatcher, code, "deny_extension", note="理由不充分")
    assert denied["feedback_due"] == before
    assert denied["extension_requested"] is None
    assert denied["extended"] is False


def test_whistle_with_two_co_units(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    act(s.street, code, "whistle", expect=422)  # no units named
    act(s.street, code, "whistle", expect=422, units=[WANGJING])  # the lead cannot call itself
    called = act(
        s.street, code, "whistle", units=[CHAOYANG_CGW, CHAOYANG_ENV], note="请城管委、生态环境局到场"
    )
    co = {a["unit"]: a["status"] for a in called["assignments"] if a["role"] == "co"}
    assert co == {CHAOYANG_CGW: "called", CHAOYANG_ENV: "called"}
    # Co-units now see the case; an uncalled department does not.
    assert s.dept.get(f"/api/cases/{code}").status_code == 200
    # The lead cannot report before every co-unit has reported its part.
    blocked = s.street.post(f"/api/cases/{code}/report", json={"reply": "已处理"})
    assert blocked.status_code == 409
    assert "协办单位" in blocked.json()["error"]["message"]
    act(s.dept, code, "report_part", expect=409, reply="先反馈后报到")  # must 报到 first
    act(s.dept, code, "check_in")
    act(s.dept, code, "check_in", expect=409)
    act(s.dept, code, "report_part", reply="已对违规音响设备进行检查")
    act(s.dept2, code, "check_in")
    act(s.dept2, code, "report_part", reply="已现场监测噪声，夜间超标，已告知")
    # Only the lead unit may report, sign or whistle.
    act(s.dept, code, "report", expect=403, reply="越权反馈")
    reported = act(s.street, code, "report", reply="街道牵头，城管委与生态环境局协同，已整改")
    assert reported["state"] == "reported"
    assert {a["status"] for a in reported["assignments"] if a["role"] == "co"} == {"reported"}


def test_unsatisfied_visit_reopens_and_the_second_round_closes(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    for action, extra in (("sign", {}), ("contact", {}), ("report", {"reply": "已协调"})):
        act(s.street, code, action, **extra)
    act(s.operator, code, "visit", expect=422, contacted=True)  # solved and satisfaction are required
    reopened = act(
        s.operator, code, "visit", contacted=True, solved=False, satisfaction="不满意", comment="问题依旧"
    )
    assert reopened["state"] == "dispatched"
    assert reopened["reopen_count"] == 1
    assert [e["action"] for e in reopened["events"]][-2:] == ["visit", "reopen"]
    for action, extra in (("sign", {}), ("contact", {}), ("report", {"reply": "已加装隔音设施"})):
        act(s.street, code, action, **extra)
    closed = act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="基本满意")
    assert closed["state"] == "closed"


def test_dispatcher_reopens_a_closed_case(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    for action, extra in (("sign", {}), ("contact", {}), ("report", {"reply": "已处理"})):
        act(s.street, code, action, **extra)
    act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="满意")
    act(s.dispatcher, code, "reopen", expect=422)
    again = act(s.dispatcher, code, "reopen", note="市民再次反映，问题复发")
    assert again["state"] == "dispatched"
    assert again["closed_at"] is None


def test_unreachable_citizen_is_retried_then_closed(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    _handling(s, code)
    for action, extra in (("sign", {}), ("contact", {}), ("report", {"reply": "已处理"})):
        act(s.street, code, action, **extra)
    first = act(s.operator, code, "visit", contacted=False)
    assert first["state"] == "reported"
    act(s.operator, code, "visit", contacted=False)
    third = act(s.operator, code, "visit", contacted=False)
    assert third["state"] == "closed"
    assert third["closure_kind"] == "unreachable"


def test_merge_duplicate_into_primary(app: Any, session: Session) -> None:
    s = staff(app, session)
    primary = intake(s.operator)
    duplicate = intake(s.operator, citizen={"name": "李四", "phone": "13900001111"})
    act(s.operator, duplicate, "merge", expect=422)
    act(s.operator, duplicate, "merge", expect=422, target=duplicate)
    act(s.operator, duplicate, "merge", expect=404, target="BJ00000000000000")
    merged = act(s.operator, duplicate, "merge", target=primary, note="同一地点同一问题")
    assert merged["state"] == "merged"
    assert merged["merged_into"] == primary
    assert {"code": primary, "kind": "merged"} in merged["links"]
    main = s.operator.get(f"/api/cases/{primary}").json()
    assert {"code": duplicate, "kind": "merged"} in main["links"]
    assert main["events"][-1]["action"] == "merge_in"
    # A merged case takes no further action, and nothing can be merged into a closed case.
    act(s.dispatcher, duplicate, "dispatch", expect=409, lead_unit=WANGJING)


def test_merge_turns_a_suggested_repeat_link_into_the_decision(app: Any, session: Session) -> None:
    s = staff(app, session)
    primary = intake(s.operator)
    duplicate = intake(s.operator)
    ids = dict(session.execute(select(Case.code, Case.id).where(Case.code.in_([primary, duplicate]))).all())
    pair = [(ids[duplicate], ids[primary]), (ids[primary], ids[duplicate])]

    def links() -> list[tuple[int, int, str]]:
        rows = session.execute(select(CaseLink.case_id, CaseLink.other_case_id, CaseLink.kind))
        return sorted((a, b, kind) for a, b, kind in rows if (a, b) in pair)

    if not links():  # triage may already have linked the repeat; otherwise suggest it here
        session.add(
            CaseLink(
                case_id=ids[duplicate],
                other_case_id=ids[primary],
                kind="repeat",
                created_by="triage",
                created_at=datetime.now(UTC),
            )
        )
        session.flush()
    merged = act(s.operator, duplicate, "merge", target=primary)
    assert merged["state"] == "merged"
    assert links() == sorted((a, b, "merged") for a, b in pair)  # one row each way, no second copy
    act(s.operator, primary, "link", expect=409, target=duplicate)


def test_link_related_cases(app: Any, session: Session) -> None:
    s = staff(app, session)
    a = intake(s.operator)
    b = intake(s.operator)
    linked = act(s.operator, a, "link", target=b)
    assert {"code": b, "kind": "related"} in linked["links"]
    act(s.operator, a, "link", expect=409, target=b)


def test_supervise_opens_a_record(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "supervise", expect=409, note="未派单不能督办")
    _handling(s, code)
    act(s.dispatcher, code, "supervise", expect=422)
    act(s.dispatcher, code, "supervise", note="请加快办理")
    case_id = session.execute(select(Case.id).where(Case.code == code)).scalar_one()
    count = session.execute(
        select(func.count()).select_from(Supervision).where(Supervision.case_id == case_id)
    )
    assert count.scalar_one() == 1


def test_direct_close_answers_a_consultation_from_the_knowledge_base(app: Any, session: Session) -> None:
    s = staff(app, session)
    entry = KnowledgeEntry(
        question="公租房申请条件是什么？",
        answer="本市户籍、家庭收入和住房符合标准即可申请公租房。",
        keywords="公租房;申请",
        created_by="test",
    )
    session.add(entry)
    session.commit()
    code = intake(s.operator, demand_type="咨询", category="010101", title="公租房怎么申请")
    act(s.operator, code, "direct_close", expect=422)
    act(s.operator, code, "direct_close", expect=422, knowledge_entry_id=999999)
    closed = act(s.operator, code, "direct_close", knowledge_entry_id=entry.id)
    assert closed["state"] == "closed"
    assert closed["closure_kind"] == "direct"
    assert closed["reply"] == entry.answer
    complaint = intake(s.operator)
    refused = s.operator.post(f"/api/cases/{complaint}/direct_close", json={"knowledge_entry_id": entry.id})
    assert refused.status_code == 409
    assert "咨询" in refused.json()["error"]["message"]


def test_dispatch_with_co_units_and_bad_units(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", expect=422)
    act(s.dispatcher, code, "dispatch", expect=422, lead_unit="NOPE")
    act(s.dispatcher, code, "dispatch", expect=422, lead_unit=WANGJING, co_units=["NOPE"])
    act(s.dispatcher, code, "dispatch", expect=422, lead_unit=WANGJING, category="999")
    still = s.dispatcher.get(f"/api/cases/{code}").json()
    assert still["state"] == "received"
    assert still["assignments"] == []
    done = act(
        s.dispatcher, code, "dispatch", lead_unit=WANGJING, co_units=[CHAOYANG_MARKET], complex_case=True
    )
    assert done["complex_case"] is True
    assert "复杂诉求" in done["events"][-1]["data"]["time_limits"]
