"""Type-ahead pickers by name, one per kind: JSON, permission-declared and scoped; and the forms that
used to ask for codes now take a name (dispatch, volunteer registration) while codes still work."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from community.governance_accounts import client as gov_client
from support.cases import JIUXIANQIAO, WANGJING, act, intake, staff

HTMX = {"HX-Request": "true"}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [o["code"] for o in response.json()["options"]]


def test_units_by_pinyin_initials_name_and_code(s: Any) -> None:
    assert WANGJING in _codes(s.dispatcher.get("/api/units/pick", params={"q": "wj"}))
    assert WANGJING in _codes(s.dispatcher.get("/api/units/pick", params={"q": "望京"}))
    first = s.dispatcher.get("/api/units/pick", params={"q": WANGJING}).json()["options"][0]
    assert first["code"] == WANGJING and first["name"] == "望京街道办事处" and first["hint"] == "街道/乡镇"
    streets = _codes(s.dispatcher.get("/api/units/pick", params={"q": "jd", "kind": "street"}))
    assert streets and all(code.startswith("S") for code in streets)


def test_places_by_name_and_level(s: Any) -> None:
    streets = s.dispatcher.get("/api/divisions/pick", params={"q": "望京", "level": "street"}).json()[
        "options"
    ]
    assert streets[0]["code"] == "110105026" and "朝阳区" in streets[0]["hint"]
    communities = _codes(
        s.dispatcher.get("/api/divisions/pick", params={"level": "community", "parent": "110105026"})
    )
    assert communities and all(c.startswith("110105026") and len(c) == 12 for c in communities)
    assert "110105" in _codes(
        s.dispatcher.get("/api/divisions/pick", params={"q": "cyq", "level": "district"})
    )


def test_categories_show_their_path(s: Any) -> None:
    options = s.dispatcher.get("/api/categories/pick", params={"q": "噪"}).json()["options"]
    assert options and any(o["hint"] and "›" not in o["name"] for o in options)
    assert all(o["code"].isdigit() for o in options)


def test_knowledge_entries_by_question(s: Any) -> None:
    entry = s.dispatcher.post(
        "/api/knowledge", json={"question": "公租房如何申请", "answer": "向街道申请。"}
    ).json()
    assert str(entry["id"]) in _codes(s.operator.get("/api/knowledge/pick", params={"q": "gzf"}))


def test_merge_targets_are_scoped_to_what_the_actor_reads(s: Any) -> None:
    code = intake(s.operator, title="望京西园路灯不亮")
    act(s.dispatcher, code, "dispatch", lead_unit=WANGJING)
    assert code in _codes(s.dispatcher.get("/api/cases/pick", params={"q": "路灯"}))
    assert code in _codes(s.street.get("/api/cases/pick", params={"q": code[:6]}))
    assert code not in _codes(s.other_street.get("/api/cases/pick", params={"q": "路灯"}))
    assert code not in _codes(s.dispatcher.get("/api/cases/pick", params={"q": "路灯", "exclude": code}))


@pytest.mark.parametrize(
    "path",
    [
        "/api/units/pick",
        "/api/divisions/pick",
        "/api/categories/pick",
        "/api/knowledge/pick",
        "/api/cases/pick",
    ],
)
def test_pickers_need_a_signed_in_staff_member(app: Any, path: str) -> None:
    assert TestClient(app).get(path, params={"q": "wj"}).status_code == 401


def test_bad_picker_input_is_a_clear_error(s: Any) -> None:
    assert s.dispatcher.get("/api/units/pick", params={"q": "x" * 41}).status_code == 422
    assert s.dispatcher.get("/api/units/pick", params={"kind": "nonsense"}).status_code == 422
    assert s.dispatcher.get("/api/divisions/pick", params={"parent": "abc"}).status_code == 422


def test_dispatch_form_has_pickers_and_takes_a_name_or_a_code(s: Any) -> None:
    code = intake(s.operator)
    page = s.dispatcher.get("/work/dispatch").text
    row = page.split(f'data-code="{code}"')[1].split("</article>")[0]
    # Noise goes to the street first (直派街乡): the picker opens on the suggested unit's name.
    assert 'data-picker="/api/units/pick"' in row and "望京街道办事处</small>" in row
    by_name = s.dispatcher.post(
        f"/cases/{code}/act/dispatch", data={"lead_unit": "朝阳区生态环境局"}, headers=HTMX
    )
    assert by_name.status_code == 200, by_name.text
    assert s.operator.get(f"/api/cases/{code}").json()["lead_unit"] == "D110105-environment"
    other = intake(s.operator)
    act(s.dispatcher, other, "dispatch", lead_unit=JIUXIANQIAO)  # the API still takes codes


def test_volunteer_registration_by_community_name_and_refusal_keeps_input(app: Any, session: Session) -> None:
    worker = gov_client(app, "worker")
    community = worker.get("/api/divisions/pick", params={"level": "community", "parent": "110105026"}).json()
    name = community["options"][0]["name"]
    refused = worker.post(
        "/community/volunteers", data={"community_code": name, "name": "钱志愿", "phone": "123"}
    )
    assert refused.status_code == 422
    assert (
        "手机号" in refused.text and 'value="钱志愿"' in refused.text and "String should" not in refused.text
    )
    bad_place = worker.post(
        "/community/volunteers",
        data={"community_code": "不存在的社区", "name": "钱志愿", "phone": "13900001111"},
    )
    assert (
        bad_place.status_code == 422
        and "社区格式不正确" in bad_place.text
        and 'value="13900001111"' in bad_place.text
    )
    made = worker.post(
        "/community/volunteers",
        data={"community_code": name, "name": "钱志愿", "phone": "13900001111"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    assert json.dumps(name, ensure_ascii=False)
