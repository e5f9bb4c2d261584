"""The case page and lists speak Chinese and offer only what applies: role and unit names (never
codes) in the timeline, the lead unit's status, no 批准/驳回延期 when nothing is pending, possible
duplicates with one-click 合并, and a merged demand's citizen tracking the case it joined."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, WANGJING, act, intake, staff

HTMX = {"HX-Request": "true"}
ASCII_CODE = re.compile(
    r">\s*(operator|dispatcher|unit_staff|housing_admin|urban_management|environment|auth\.login)\s*<"
)


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def test_timeline_names_roles_and_units_in_chinese(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    act(s.street, code, "sign")
    page = s.street.get(f"/cases/{code}").text
    timeline = page.split('data-testid="timeline"')[1].split("</ol>")[0]
    assert "坐席" in timeline and "派单员" in timeline and "望京街道办事处" in timeline
    assert "op_a" not in timeline and "C11" not in timeline and not ASCII_CODE.search(page)
    lead = page.split('data-testid="assignment-lead"')[1].split("</small>")[0]
    assert "主办 · 已签收" in lead and "待报到" not in lead


def test_extension_rulings_only_when_one_is_pending(s: Any) -> None:
    code = intake(s.operator)
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    page = s.dispatcher.get(f"/cases/{code}").text
    assert 'data-testid="open-deny_extension-' not in page and "批准延期" not in page
    act(s.street, code, "request_extension", extension="5wd", reason="需协调多个部门")
    page = s.dispatcher.get(f"/cases/{code}").text
    assert "批准延期" in page and f'data-testid="open-deny_extension-{code}"' in page
    assert f'data-testid="open-request_extension-{code}"' not in s.street.get(f"/cases/{code}").text


def test_case_page_offers_one_click_merge_of_a_duplicate(s: Any) -> None:
    first = intake(s.operator)
    second = intake(s.operator, citizen={"phone": "13700005678"})  # another caller: not auto-linked
    page = s.operator.get(f"/cases/{second}").text
    assert 'data-testid="case-duplicates"' in page and first in page.split('data-testid="case-duplicates"')[1]
    merged = s.operator.post(f"/cases/{second}/act/merge", data={"target": first}, headers=HTMX)
    assert merged.status_code == 200, merged.text
    assert s.operator.get(f"/api/cases/{second}").json()["state"] == "merged"
    # The units see none of it: only the centre merges.
    assert 'data-testid="case-duplicates"' not in s.dispatcher.get(f"/cases/{first}").text


def test_merged_demands_citizen_sees_the_target_state_and_reply(s: Any) -> None:
    first = intake(s.operator)
    second = intake(s.operator, citizen={"phone": "13700001234"})
    act(s.operator, second, "merge", target=first)
    act(s.dispatcher, first, "dispatch", lead_unit=WANGJING)
    act(s.street, first, "sign")
    act(s.street, first, "contact")
    act(s.street, first, "report", reply="已协调广场舞队调整时间和音量。")
    view = s.operator.get(f"/api/track/{second}", params={"phone_tail": "1234"})
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["state"] == "merged" and body["merged_state_label"] == "已反馈"
    assert body["reply"] == "已协调广场舞队调整时间和音量。" and body["lead_unit_name"] == "望京街道办事处"
    assert first not in json.dumps(body, ensure_ascii=False)
    # The timeline reads in order: the demand's own 受理 and 已合并, then only what the target did after.
    labels = [item["label"] for item in body["timeline"]]
    assert labels == ["已受理", "已合并", "已派单", "已签收", "已反馈"], labels
    times = [item["at"] for item in body["timeline"]]
    assert times == sorted(times)
    portal = s.operator.get("/portal/track", params={"code": second, "phone_tail": "1234"})
    assert "合并办理" in portal.text and "已协调广场舞队" in portal.text
    assert CASE_BODY["citizen"]["phone"] not in portal.text


def test_dispatch_queue_merges_from_the_duplicate_chip(s: Any) -> None:
    first = intake(s.operator)
    second = intake(s.operator, citizen={"phone": "13700009999"})
    row = s.dispatcher.get("/work/dispatch").text.split(f'data-code="{second}"')[1].split("</article>")[0]
    chips = row.split(f'data-testid="duplicates-{second}"')[1]
    assert f'value="{first}"' in chips and f'data-testid="merge-{second}"' in chips
    merged = s.dispatcher.post(f"/cases/{second}/act/merge", data={"target": first}, headers=HTMX)
    assert merged.status_code == 200, merged.text
    assert s.dispatcher.get(f"/api/cases/{second}").json()["state"] == "merged"


def test_refusals_name_the_field_in_chinese(s: Any) -> None:
    form = {
        "demand_type": "complaint",
        "urgency": "ordinary",
        "channel": "phone",
        "title": "",
        "phone": "13800001111",
    }
    page = s.operator.post("/work/intake", data={**form, "description": "楼道灯坏了"})
    assert page.status_code == 422 and "「标题」此项必填" in page.text
    assert 'value="13800001111"' in page.text  # the refused form keeps what was typed
    code = intake(s.operator)
    refused = s.dispatcher.post(f"/cases/{code}/act/dispatch", data={"version": "abc"}, headers=HTMX)
    assert "版本号需要填写数字" in json.loads(refused.headers["HX-Trigger"])["zhili-toast"]["message"]
