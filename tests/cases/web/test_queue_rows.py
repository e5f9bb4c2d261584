"""Work lists that fit the work (issue 17): each row shows an excerpt of the demand, and an action on a
row answers with that row only — updated in place, or a done line where it was, or moved to the list
it belongs to now — so the rest of the list keeps its order while one works through it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.orm import Session

from support.cases import WANGJING, act, intake, staff

HTMX = {"HX-Request": "true"}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _row_act(client: Any, code: str, action: str, section: str, next_url: str, **data: str) -> Any:
    headers = {**HTMX, "HX-Target": f"row-{section}-{code}"}
    return client.post(f"/cases/{code}/act/{action}", data={"next": next_url, **data}, headers=headers)


def _row(page: str, code: str) -> str:
    return page.split(f'data-code="{code}"')[1].split("</article>")[0]


def test_rows_show_an_excerpt_of_the_demand_with_numbers_masked(s: Any) -> None:
    text = "楼道里堆满杂物，" * 6 + "请联系我 13912345678，身份证 110105199001011234。"
    code = intake(s.operator, description=text)
    row = _row(s.dispatcher.get("/work/dispatch").text, code)
    assert f'data-testid="excerpt-{code}"' in row and "楼道里堆满杂物，楼道里堆满杂物" in row
    assert "…" in row  # cut: a line, not the whole text
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    inbox = _row(s.street.get("/work/inbox").text, code)
    assert "楼道里堆满杂物" in inbox
    short = intake(s.operator, description="电话 13912345678 打不通，身份证 110105199001011234")
    row = _row(s.dispatcher.get("/work/dispatch").text, short)
    assert "［电话］" in row and "［证件号］" in row
    assert "13912345678" not in row and "110105199001011234" not in row


def test_an_action_on_a_row_answers_with_that_row_in_place(s: Any) -> None:
    first, second = intake(s.operator), intake(s.operator)
    for code in (first, second):
        act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    before = s.street.get("/work/inbox").text
    order = before.index(f'id="row-lead-{first}"') < before.index(f'id="row-lead-{second}"')
    signed = _row_act(s.street, second, "sign", "lead", "/work/inbox")
    assert signed.status_code == 200, signed.text
    assert "HX-Location" not in signed.headers and "<html" not in signed.text
    assert "签收已完成" in json.loads(signed.headers["HX-Trigger"])["zhili-toast"]["message"]
    # Only the row, as the case is now: the next step (联系市民) is offered in the same place.
    assert f'id="row-lead-{second}"' in signed.text and f'data-testid="contact-{second}"' in signed.text
    assert first not in signed.text and 'class="row-note"' in signed.text
    after = s.street.get("/work/inbox").text
    assert (after.index(f'id="row-lead-{first}"') < after.index(f'id="row-lead-{second}"')) == order


def test_a_case_that_leaves_the_list_leaves_a_done_line(s: Any) -> None:
    code = intake(s.operator)
    done = _row_act(s.dispatcher, code, "dispatch", "new", "/work/dispatch", lead_unit=WANGJING)
    assert done.status_code == 200, done.text
    assert f'data-done="{code}"' in done.text and 'class="case-row' not in done.text
    assert "派单已完成" in done.text and "已派单" in done.text


def test_a_case_moved_to_another_list_is_sent_for_that_list(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "return", reason="不属于本街道管辖，请改派。")
    approved = _row_act(s.dispatcher, code, "approve_return", "returns", "/work/dispatch")
    assert approved.status_code == 200, approved.text
    assert f'data-done="{code}"' in approved.text and "已移至「待派单」" in approved.text
    moves = approved.text.split('class="row-moves"')[1]
    assert f'id="row-new-{code}"' in moves and f'data-testid="lead-{code}"' in moves


def test_a_refused_row_action_changes_nothing(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    act(s.street, code, "contact")
    refused = _row_act(s.street, code, "report", "lead", "/work/inbox", reply="")
    assert refused.status_code == 422 and refused.headers.get("HX-Reswap") == "none"
    assert "答复" in json.loads(refused.headers["HX-Trigger"])["zhili-toast"]["message"]
    assert s.street.get(f"/api/cases/{code}").json()["state"] == "contacted"


def test_an_unknown_row_target_falls_back_to_the_list(s: Any) -> None:
    code = intake(s.operator)
    answer = _row_act(s.dispatcher, code, "dispatch", "nosuch", "/work/dispatch", lead_unit=WANGJING)
    assert answer.status_code == 200 and json.loads(answer.headers["HX-Location"])["target"] == "#work"
