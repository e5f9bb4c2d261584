"""An Open311 request moves through the zhili lifecycle; GET requests/{id} follows in both formats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from open311.conftest import BASE, FORM, FORMATS, issue_key, parse, post
from support.cases import WANGJING, Staff, act, staff
from zhili.auth.models import Role

REPLY = "已约谈烧烤店负责人，加装油烟净化设备并调整营业时间至22:00前。"


@pytest.fixture
def s(app: Any) -> Staff:
    return staff(app)


@pytest.fixture
def key(s: Staff, session: Session) -> str:
    # Issued after the staff signed in (sign-in commits through its own connection).
    return issue_key(session, "o311_life", Role.api_client, "C11")


def _read(client: TestClient, code: str) -> dict[str, dict[str, Any]]:
    found = {}
    for fmt in FORMATS:
        response = client.get(f"{BASE}/requests/{code}.{fmt}", params={"extensions": "true"})
        assert response.status_code == 200, response.text
        found[fmt] = parse(response, fmt)[0]
    return found


def test_status_and_notes_follow_the_lifecycle(s: Staff, key: str, client: TestClient) -> None:
    response = post(client, "json", {**FORM, "api_key": key})
    code = response.json()[0]["service_request_id"]

    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING, note="请望京街道尽快处理，市民张三反映强烈")
    for fmt, request in _read(client, code).items():
        assert request["status"] == "open", fmt
        assert request["status_notes"] == "已转交望京街道办事处办理"
        assert request["agency_responsible"] == "望京街道办事处"
        assert request["extended_attributes"]["zhili_state"] == "dispatched"
        assert request["extended_attributes"]["agency_code"] == WANGJING
        expected = datetime.fromisoformat(request["expected_datetime"])  # the current deadline
        assert expected.utcoffset() is not None and expected > datetime.fromisoformat(
            request["requested_datetime"]
        )
        assert "张三" not in str(request)  # the dispatcher's note is internal

    act(s.street, code, "sign")
    for request in _read(client, code).values():
        assert request["status_notes"] == "望京街道办事处已签收，正在办理"
        assert request["extended_attributes"]["zhili_state_label"] == "已签收"

    act(s.street, code, "contact", note="已电话联系张三，约定现场查看")
    act(s.street, code, "report", reply=REPLY)
    for request in _read(client, code).values():
        assert request["status"] == "open"  # until 办结 the case may still be reopened
        assert request["status_notes"] == REPLY
        assert request["extended_attributes"]["zhili_state"] == "reported"
        types = [n["type"] for n in request["notes"]]
        assert types == ["intake", "dispatch", "sign", "report"]
        assert REPLY in request["notes"][-1]["description"]
        assert "张三" not in str(request)

    act(s.operator, code, "visit", contacted=True, solved=True, satisfaction="满意")
    for fmt, request in _read(client, code).items():
        assert request["status"] == "closed", fmt
        assert request["extended_attributes"]["zhili_state"] == "closed"
        assert request["status_notes"] == REPLY
        closed = {
            r["service_request_id"]
            for r in parse(client.get(f"{BASE}/requests.{fmt}", params={"status": "closed"}), fmt)
        }
        assert code in closed
