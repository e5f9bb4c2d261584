"""Everything the API did can be done from the page: a 议事厅 and a community's base data are
recorded from web forms (no "call POST /api/…" empty states); a refusal is Chinese, names its field
and keeps what was typed; nothing is written when refused."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import client, wangjing_communities
from zhili.community.halls.models import DeliberationHall
from zhili.community.profiles.models import CommunityProfile


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_empty_states_point_to_the_forms_not_the_api(app: Any) -> None:
    worker = client(app, "worker")
    for path in ("/community/halls", "/community/profiles"):
        page = worker.get(path).text
        assert "/api/community" not in page and 'data-picker="/api/divisions/pick?level=community"' in page


def test_hall_registered_from_the_page(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    before = _count(session, DeliberationHall)
    refused = worker.post(
        "/community/halls", data={"community_code": community, "name": "西园议事厅", "established_on": "明天"}
    )
    assert refused.status_code == 422 and "建立日期" in refused.text and 'value="西园议事厅"' in refused.text
    assert _count(session, DeliberationHall) == before
    made = worker.post(
        "/community/halls",
        data={
            "community_code": community,
            "name": "西园议事厅",
            "established_on": "2024-03-01",
            "is_model": "1",
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    assert "西园议事厅" in worker.get("/community/halls").text


def test_profile_recorded_from_the_page(app: Any, session: Session) -> None:
    worker = client(app, "worker")
    community = wangjing_communities(session, 1)[0]
    before = _count(session, CommunityProfile)
    form = {
        "community_code": community,
        "population": "3200",
        "households": "1200",
        "service_space_m2": "abc",
    }
    refused = worker.post("/community/profiles", data=form)
    assert (
        refused.status_code == 422
        and "服务用房面积需要填写数字" in refused.text
        and 'value="3200"' in refused.text
    )
    assert _count(session, CommunityProfile) == before
    form |= {
        "service_space_m2": "420",
        "property_coverage": "95",
        "facilities": "养老驿站、卫生站",
        "has_owners_committee": "1",
    }
    made = worker.post("/community/profiles", data=form, follow_redirects=False)
    assert made.status_code == 303, made.text
    page = worker.get("/community/profiles").text
    assert "3,200" in page and "95.0%" in page and "养老驿站、卫生站" in page


def test_readers_do_not_get_the_forms(app: Any) -> None:
    leader = client(app, "leader")
    page = leader.get("/community/halls")
    if page.status_code == 200:
        assert 'data-testid="hall-form"' not in page.text
