"""Duplicate detection at intake: near in space and time, similar in text; repeats are linked."""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path
from typing import Any

import h3
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from support.cases import CASE_BODY, intake, staff
from zhili.cases.models import Case, CaseLink
from zhili.cases.states import CaseState
from zhili.triage import duplicates
from zhili.triage.duplicates import find_similar, signature, similarity
from zhili.triage.models import CASES_LOOKUP_INDEX, CaseFingerprint

HAIDIAN_POINT = {"lat": 39.9834, "lng": 116.3162, "address": "北京市海淀区中关村街道"}
OTHER_CITIZEN = {"name": "李四", "phone": "13900001111"}
SAME_TEXT = {
    "title": "楼下广场舞噪音扰民",
    "description": "每天晚上九点以后广场舞音响声音很大，影响老人和孩子休息，希望有关部门管一管。",
}
OTHER_TEXT = {
    "title": "人行道井盖缺失",
    "description": "路口东侧人行道上的井盖丢了，晚上很危险，容易摔伤行人。",
}


@pytest.fixture
def s(app: Any, session: Session) -> Any:
    return staff(app, session)


def _duplicates(client: TestClient, code: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/cases/{code}/duplicates")
    assert response.status_code == 200, response.text
    return list(response.json())


def test_sketch_similarity_is_symmetric_and_one_for_the_same_text() -> None:
    a = signature(CASE_BODY["title"] + CASE_BODY["description"])
    b = signature(SAME_TEXT["title"] + SAME_TEXT["description"])
    c = signature(OTHER_TEXT["title"] + OTHER_TEXT["description"])
    assert a is not None and b is not None and c is not None
    assert similarity(a, a) == pytest.approx(1.0, abs=1e-5)
    assert similarity(a, b) == pytest.approx(similarity(b, a), abs=1e-6)
    assert similarity(a, b) > 0.6 > 0.1 > similarity(a, c)
    assert signature("！！ ") is None  # nothing to compare


def test_a_near_identical_nearby_demand_is_proposed_and_a_different_one_is_not(
    s: Any, session: Session
) -> None:
    first = intake(s.operator)
    second = intake(s.operator, citizen=OTHER_CITIZEN, **SAME_TEXT)
    found = _duplicates(s.dispatcher, second)
    assert [d["code"] for d in found] == [first]
    assert found[0]["proposal"] == "merge" and found[0]["same_cell"] is True
    assert found[0]["same_citizen"] is False and found[0]["similarity"] > 0.6

    assert _duplicates(s.dispatcher, intake(s.operator, citizen=OTHER_CITIZEN, **OTHER_TEXT)) == []
    far = intake(s.operator, citizen=OTHER_CITIZEN, **{**SAME_TEXT, **HAIDIAN_POINT})
    assert _duplicates(s.dispatcher, far) == []
    # Nothing is linked without a person deciding, except a repeat by the same citizen.
    assert session.scalars(select(CaseLink)).all() == []


def test_a_repeat_from_the_same_citizen_is_linked_and_closed_cases_are_left_alone(
    s: Any, session: Session
) -> None:
    first = intake(s.operator)
    repeat = intake(s.operator, **SAME_TEXT)  # CASE_BODY's citizen again
    found = _duplicates(s.dispatcher, repeat)
    assert [(d["code"], d["proposal"], d["same_citizen"]) for d in found] == [(first, "repeat", True)]
    links = session.scalars(select(CaseLink)).all()
    ids = {c.code: c.id for c in session.scalars(select(Case).where(Case.code.in_([first, repeat])))}
    assert [(x.case_id, x.other_case_id, x.kind) for x in links] == [(ids[repeat], ids[first], "repeat")]

    for case in session.scalars(select(Case).where(Case.code.in_([first, repeat]))):
        case.state = CaseState.closed
    session.flush()
    assert _duplicates(s.dispatcher, intake(s.operator, citizen=OTHER_CITIZEN, **SAME_TEXT)) == []


def test_unreadable_case_duplicates_are_404(s: Any) -> None:
    code = intake(s.operator)
    assert s.other_street.get(f"/api/cases/{code}/duplicates").status_code == 404


def test_the_check_reads_the_same_or_a_neighbouring_cell_or_the_same_community_within_the_window(
    s: Any, session: Session
) -> None:
    """Each side of the lookup on its own, both at once (one candidate, not two), and the window.
    The earlier case's fingerprint is moved about; the new demand stays where it is."""
    code = intake(s.operator)
    case = session.scalars(select(Case).where(Case.code == code)).one()
    mine = session.get(CaseFingerprint, case.id)
    assert mine is not None and mine.h3_cell and mine.community_code
    sig, cell, community, at = mine.signature, mine.h3_cell, mine.community_code, mine.received_at
    neighbour = next(c for c in sorted(h3.grid_disk(cell, 1)) if c != cell)
    far = h3.latlng_to_cell(HAIDIAN_POINT["lat"], HAIDIAN_POINT["lng"], h3.get_resolution(cell))
    elsewhere = "110108001001"

    def found(**moved: Any) -> list[tuple[str, bool, bool]]:
        values = {"h3_cell": cell, "community_code": community, "received_at": at, **moved}
        session.execute(update(CaseFingerprint).where(CaseFingerprint.case_id == case.id).values(**values))
        hits = find_similar(
            session,
            sig,
            cell=cell,
            community=community,
            at=at + timedelta(hours=1),
            window=timedelta(days=7),
            threshold=0.5,
        )
        return [(c.code, c.same_cell, c.same_community) for c in hits]

    assert found() == [(code, True, True)]
    assert found(community_code=elsewhere) == [(code, True, False)]
    assert found(h3_cell=neighbour, community_code=elsewhere) == [(code, False, False)]
    assert found(h3_cell=far) == [(code, False, True)]
    assert found(h3_cell=far, community_code=elsewhere) == []
    assert found(h3_cell=None) == [(code, False, True)]
    assert found(received_at=at - timedelta(days=7, minutes=1)) == []
    assert found(received_at=at + timedelta(hours=2)) == []  # after the demand: not an earlier case
    for state in (CaseState.closed, CaseState.merged):
        case.state = state
        session.flush()
        assert found() == []


def test_on_sqlite_the_check_reads_each_nearby_case_from_its_small_index(session: Session) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        pytest.skip("INDEXED BY is SQLite's; PostgreSQL's planner chooses for itself")
    compiled = duplicates._CANDIDATES.compile(dialect=connection.dialect)
    plan = [
        row[3]
        for row in connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + str(compiled), tuple(None for _ in compiled.positiontup or ())
        )
    ]
    branches = 3  # the own cell, its neighbours, the community
    cases = [step for step in plan if step.startswith("SEARCH cases")]
    assert len(cases) == branches
    assert all(f"COVERING INDEX {CASES_LOOKUP_INDEX}" in step for step in cases)
    fingerprints = [step for step in plan if "triage_fingerprints" in step]
    assert len(fingerprints) == branches and all(step.startswith("SEARCH") for step in fingerprints)
    # The own cell and the community are read newest first along their index and cut at
    # MAX_CANDIDATES (no sort of their own), so a burst at one place does not grow the check.
    assert [step for step in plan if "TEMP B-TREE FOR ORDER BY" in step] == ["USE TEMP B-TREE FOR ORDER BY"]
    assert plan[-1] == "USE TEMP B-TREE FOR ORDER BY"


# -- real messages -----------------------------------------------------------------------------------


def _messages(shared_data: Path) -> list[dict[str, str]]:
    csv.field_size_limit(1 << 24)
    with (shared_data / "teddy2020c" / "hotspot_messages.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _intake_message(client: TestClient, message: dict[str, str]) -> str:
    body = " ".join(message["body"].split())[:4000] or message["title"]
    return intake(client, category=None, citizen={}, title=message["title"][:200], description=body)


def test_real_repeats_about_one_place_and_problem_are_proposed_and_unrelated_ones_are_not(
    s: Any, shared_data: Path
) -> None:
    """Teddy 2020 C hotspot messages: citizens about the mixing plant (搅拌站) by 丽发新城, and
    about bundled parking spaces (捆绑车位) at 伊景园滨河苑 — all placed at the same point, so only
    the text tells them apart; plus other problems of the same estate (roads, rubbish, water)."""
    rows = _messages(shared_data)
    plant = [r for r in rows if "丽发新城" in r["title"] and "搅拌" in r["title"]][:8]
    parking = [r for r in rows if "伊景园" in r["title"] and "车位" in r["title"]][:8]
    noisy = ("搅拌", "噪", "声", "工厂")
    estate = [
        r for r in rows if "丽发新城" in r["title"] and not any(w in r["title"] + r["body"] for w in noisy)
    ]
    assert len(plant) == len(parking) == 8 and len(estate) >= 6

    plant_codes: list[str] = []
    found_plant = 0
    for message in plant:
        code = _intake_message(s.operator, message)
        proposed = {d["code"] for d in _duplicates(s.dispatcher, code)}
        assert proposed <= set(plant_codes)
        found_plant += bool(proposed)
        plant_codes.append(code)
    parking_codes: list[str] = []
    found_parking = 0
    for message in parking:
        code = _intake_message(s.operator, message)
        proposed = {d["code"] for d in _duplicates(s.dispatcher, code)}
        assert not proposed & set(plant_codes), "a parking complaint was matched to the mixing plant"
        found_parking += bool(proposed & set(parking_codes))
        parking_codes.append(code)
    for message in estate:
        code = _intake_message(s.operator, message)
        proposed = {d["code"] for d in _duplicates(s.dispatcher, code)}
        assert not proposed & set(plant_codes + parking_codes), message["title"]
    # Of the seven later messages of each topic, at least six find an earlier one (a few share
    # too little wording with the earlier ones: the threshold trades these for false alarms).
    assert found_plant >= 6 and found_parking >= 6
