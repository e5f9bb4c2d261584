"""申诉 over HTTP: a unit files, a dispatcher decides; approved cases are excluded (核减), all audited."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assessment.factory import make_case
from support.cases import WANGJING, staff
from zhili.assessment.models import Appeal, AppealStatus
from zhili.audit.models import AuditEntry
from zhili.cases.states import Satisfaction

PARAMS = {"month": "2026-10", "league": "street"}


def wangjing_rates(client: TestClient) -> tuple[Any, ...]:
    rows = client.get("/api/assessment/live", params=PARAMS).json()["rows"]
    row = next(r for r in rows if r["unit_code"] == WANGJING)
    return row["case_count"], row["response_rate"], row["resolution_rate"], row["satisfaction_rate"]


def two_cases(session: Session) -> str:
    """望京: one perfect case and one late, unresolved, unsatisfied one (whose code is returned)."""
    make_case(session, WANGJING)
    bad = make_case(session, WANGJING, late=True, solved=False, satisfaction=Satisfaction.unsatisfied)
    return bad.code


def appeals_in(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Appeal)).scalar_one())


def test_an_approved_appeal_excludes_the_case_exactly(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = two_cases(session)
    assert wangjing_rates(s.dispatcher) == (2, 0.5, 0.5, 0.5)
    filed = s.street.post(
        "/api/assessment/appeals",
        json={
            "case_code": code,
            "reason": "诉求人要求超出政策范围",
            "evidence": "政策文件第3条；现场照片 2 张",
        },
    )
    assert filed.status_code == 201, filed.text
    appeal = filed.json()
    assert (appeal["status"], appeal["status_label"], appeal["case_code"]) == ("pending", "待审核", code)
    # While under appeal the case is set aside (the default rule).
    assert wangjing_rates(s.dispatcher) == (1, 1.0, 1.0, 1.0)
    decided = s.dispatcher.post(f"/api/assessment/appeals/{appeal['id']}/decision", json={"approve": True})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert wangjing_rates(s.dispatcher) == (1, 1.0, 1.0, 1.0)
    again = s.dispatcher.post(
        f"/api/assessment/appeals/{appeal['id']}/decision", json={"approve": False, "note": "x"}
    )
    assert again.status_code == 409
    listed = s.street.get("/api/assessment/appeals", params={"status": "approved"}).json()
    assert [a["id"] for a in listed] == [appeal["id"]]
    actions = session.execute(
        select(AuditEntry.action, AuditEntry.detail)
        .where(AuditEntry.target_type == "assessment_appeal")
        .order_by(AuditEntry.seq)
    ).all()
    assert [a for a, _ in actions] == ["assessment.appeal", "assessment.appeal_approved"]
    assert all("13812341234" not in detail and "张三" not in detail for _, detail in actions)


def test_a_rejected_appeal_changes_nothing(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = two_cases(session)
    filed = s.street.post(
        "/api/assessment/appeals", json={"case_code": code, "reason": "不合理", "evidence": "说明"}
    )
    appeal_id = filed.json()["id"]
    no_reason = s.dispatcher.post(f"/api/assessment/appeals/{appeal_id}/decision", json={"approve": False})
    assert no_reason.status_code == 422 and no_reason.json()["error"]["field"] == "note"
    assert session.get(Appeal, appeal_id).status == AppealStatus.pending  # type: ignore[union-attr]
    rejected = s.dispatcher.post(
        f"/api/assessment/appeals/{appeal_id}/decision", json={"approve": False, "note": "属于正常诉求"}
    )
    assert rejected.status_code == 200 and rejected.json()["status_label"] == "已驳回"
    assert wangjing_rates(s.dispatcher) == (2, 0.5, 0.5, 0.5)


def test_bad_appeals_are_refused_and_nothing_is_written(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = two_cases(session)
    good = {"case_code": code, "reason": "不合理", "evidence": "说明"}
    for body, status, field in (
        ({**good, "reason": "  "}, 422, "reason"),
        ({**good, "evidence": ""}, 422, "evidence"),
        ({"reason": "x", "evidence": "y"}, 422, "case_code"),
        ({**good, "case_code": "BJ00000000000000"}, 404, None),
    ):
        response = s.street.post("/api/assessment/appeals", json=body)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"].get("field") == field
    # A department cannot even see the case; a street that sees one in its area did not handle it.
    assert s.dept.post("/api/assessment/appeals", json=good).status_code == 404
    nearby = make_case(session, WANGJING, division="110105011")  # in 酒仙桥, handled by 望京
    not_ours = s.other_street.post("/api/assessment/appeals", json={**good, "case_code": nearby.code})
    assert not_ours.status_code == 403 and "本单位" in not_ours.json()["error"]["message"]
    assert s.operator.post("/api/assessment/appeals", json=good).status_code == 403
    assert appeals_in(session) == 0
    first = s.street.post("/api/assessment/appeals", json=good)
    assert first.status_code == 201
    twice = s.street.post("/api/assessment/appeals", json=good)
    assert twice.status_code == 409 and twice.json()["error"]["field"] == "case"
    appeal_id = first.json()["id"]
    by_unit = s.street.post(f"/api/assessment/appeals/{appeal_id}/decision", json={"approve": True})
    assert by_unit.status_code == 403
    assert (
        s.dispatcher.post("/api/assessment/appeals/999999/decision", json={"approve": True}).status_code
        == 404
    )
    assert s.dept.get(f"/api/assessment/appeals/{appeal_id}").status_code == 404
    assert appeals_in(session) == 1
    assert session.get(Appeal, appeal_id).status == AppealStatus.pending  # type: ignore[union-attr]
