"""Table-driven: every action is refused in every state where the lifecycle table does not allow it,
and every action is refused to every role the table does not name."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from support.cases import CHAOYANG_CGW, WANGJING, act, intake, staff
from zhili.auth.models import Role
from zhili.cases.lifecycle.transitions import RULES
from zhili.cases.states import CaseState
from zhili.settings import Settings


@pytest.fixture
def settings(tmp_path: Any) -> Settings:
    # Keep 已回访 cases in that state, so that the state can be tested.
    return Settings(
        environment="test",
        data_dir=tmp_path,
        secret_key="test-secret-" + "x" * 32,
        reopen_on_unresolved=False,
    )


def _case_in(s: Any, state: CaseState) -> str:
    code = intake(s.operator)
    if state == CaseState.received:
        return code
    if state == CaseState.merged:
        act(s.operator, code, "merge", target=intake(s.operator))
        return code
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    steps = {
        CaseState.dispatched: [],
        CaseState.return_requested: [("return", {"reason": "不属于本单位"})],
        CaseState.signed: [("sign", {})],
        CaseState.contacted: [("sign", {}), ("contact", {})],
        CaseState.reported: [("sign", {}), ("contact", {}), ("report", {"reply": "已处理"})],
        CaseState.visited: [("sign", {}), ("contact", {}), ("report", {"reply": "已处理"})],
        CaseState.closed: [("sign", {}), ("contact", {}), ("report", {"reply": "已处理"})],
    }[state]
    for action, body in steps:
        act(s.street, code, action, **body)
    if state == CaseState.visited:
        act(s.operator, code, "visit", contacted=True, solved=False, satisfaction="不满意")
    if state == CaseState.closed:
        act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="满意")
    return code


def _client_for(s: Any, role: Role) -> TestClient:
    """Someone of the role who can see the case (the street sees every case in 望京)."""
    return {Role.operator: s.operator, Role.dispatcher: s.dispatcher}.get(role, s.street)


def test_every_illegal_action_in_every_state_is_a_409(app: Any, session: Session) -> None:
    s = staff(app, session)
    checked = 0
    for state in CaseState:
        code = _case_in(s, state)
        seen = s.dispatcher.get(f"/api/cases/{code}").json()
        assert seen["state"] == state.value, (state, seen["state"])
        for rule in RULES.values():
            if state in rule.from_states:
                continue
            role = sorted(rule.roles)[0]
            response = _client_for(s, role).post(f"/api/cases/{code}/{rule.name}", json={})
            assert response.status_code == 409, (state, rule.name, response.text)
            message = response.json()["error"]["message"]
            assert rule.label in message and "当前状态" in message
            checked += 1
        # Nothing changed: the refused actions wrote no events.
        after = s.dispatcher.get(f"/api/cases/{code}").json()
        assert after["events"] == seen["events"]
        assert after["version"] == seen["version"]
    assert checked > 100


def test_every_action_is_refused_to_roles_the_table_does_not_name(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = _case_in(s, CaseState.dispatched)
    clients = {Role.operator: s.operator, Role.dispatcher: s.dispatcher, Role.unit_staff: s.street}
    for rule in RULES.values():
        for role, client in clients.items():
            if role in rule.roles:
                continue
            response = client.post(f"/api/cases/{code}/{rule.name}", json={})
            assert response.status_code == 403, (rule.name, role, response.text)
            assert rule.label in response.json()["error"]["message"]


def test_unit_actions_need_the_right_unit(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = _case_in(s, CaseState.dispatched)
    # Another street cannot even see the case; a department of the district sees nothing unassigned.
    assert s.other_street.post(f"/api/cases/{code}/sign", json={}).status_code == 404
    assert s.dept.post(f"/api/cases/{code}/sign", json={}).status_code == 404
    act(s.street, code, "sign")
    act(s.street, code, "whistle", units=[CHAOYANG_CGW])
    # The called department sees the case, but may not act as its lead.
    refused = s.dept.post(f"/api/cases/{code}/contact", json={})
    assert refused.status_code == 403
    assert "主办单位" in refused.json()["error"]["message"]
    # And the lead unit may not 报到 for a co-unit.
    assert s.street.post(f"/api/cases/{code}/check_in", json={}).status_code == 403


def test_unknown_action_is_404(app: Any, session: Session) -> None:
    s = staff(app, session)
    code = intake(s.operator)
    response = s.dispatcher.post(f"/api/cases/{code}/teleport", json={})
    assert response.status_code == 404
    assert "未知的操作" in response.json()["error"]["message"]
