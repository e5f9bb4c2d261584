"""No person-level analysis of petitioners: no API route or page lists petitioners by how often they
petitioned, and none ranks, scores or exports them. Figures are by matter, place and category.

Two checks: the OpenAPI document (no path about petitioners as such, no answer shape that carries a
petitioner key next to a count, a score or a rank), and the routes themselves, called after one
petitioner has petitioned three times, as every role that reads petitions.
"""

from __future__ import annotations

import re
from typing import Any

from petitions.accounts import VISIT, client, register, step
from zhili.auth.permissions import route_permissions

PERSON_WORDS = re.compile(r"petitioner|person|people|citizen|who|identity|digest", re.IGNORECASE)
# An integer that could count a person's petitions, and words of ranking or listing people.
TALLY_WORDS = re.compile(r"count|total|times|frequency|petitions|visits|letters|repeats", re.IGNORECASE)
RANKING_WORDS = re.compile(r"rank|score|risk|watch|block|blacklist|stability", re.IGNORECASE)
FORBIDDEN_PATHS = re.compile(r"petitioners|risk|watch|block|blacklist|export|persons|people", re.IGNORECASE)


def _resolve(
    spec: dict[str, Any], schema: dict[str, Any], seen: set[str]
) -> list[tuple[str, dict[str, Any]]]:
    """Every (name, object schema) reachable from ``schema``."""
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            return []
        seen.add(name)
        target = spec["components"]["schemas"][name]
        return [(name, target), *_resolve(spec, target, seen)]
    found: list[tuple[str, dict[str, Any]]] = []
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            found += _resolve(spec, schema[key], seen)
    for key in ("anyOf", "allOf", "oneOf"):
        for part in schema.get(key, []):
            found += _resolve(spec, part, seen)
    for prop in schema.get("properties", {}).values():
        found += _resolve(spec, prop, seen)
    return found


def test_no_route_or_answer_shape_is_about_petitioners_as_persons(app: Any) -> None:
    spec = app.openapi()
    petition_paths = {p: ops for p, ops in spec["paths"].items() if p.startswith("/api/petitions")}
    assert len(petition_paths) >= 10
    assert [p for p in petition_paths if FORBIDDEN_PATHS.search(p)] == []
    offenders = []
    for path, operations in petition_paths.items():
        for method, operation in operations.items():
            for response in operation.get("responses", {}).values():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if not schema:
                    continue
                for name, shape in _resolve(spec, schema, set()):
                    props = shape.get("properties", {})
                    personal = [p for p in props if PERSON_WORDS.search(p)]
                    tallies = [
                        p
                        for p, kind in props.items()
                        if TALLY_WORDS.search(p) and kind.get("type") == "integer"
                    ]
                    ranking = [p for p in props if RANKING_WORDS.search(p)]
                    if ranking:
                        offenders.append(f"{method} {path}: {name} {ranking}")
                    if PERSON_WORDS.search(name) and tallies:
                        offenders.append(f"{method} {path}: {name} {tallies}")
                    if personal and tallies:
                        offenders.append(f"{method} {path}: {name} {personal} beside {tallies}")
    assert offenders == []


def test_no_route_lists_petitioners_by_their_petitions(app: Any) -> None:
    office = client(app, "office")
    code = register(office)["matter_code"]
    for wording in (
        "油烟扰民问题第二次反映，望京西园三区烧烤摊仍未取缔。",
        "第三次反映望京西园三区烧烤摊油烟噪音扰民。",
    ):
        assert register(office, channel="letter", content=wording)["matter_code"] == code
    register(
        office,
        title="路灯不亮",
        content="望京某路段路灯连续一周不亮。",
        category="0101",
        petitioner={"name": "赵六", "phone": "13500001111"},
    )
    step(office, code, "refer", unit="D110105-urban_management", mode="转送")
    office.put(f"/api/petitions/matters/{code}/leader", json={"username": "xf_leader"})
    personal = ("李四", "李*", "13900001234", "139****1234", "110105198001011234", "赵六", "13500001111")
    lists = [
        r.path
        for r in route_permissions(app)
        if r.path.startswith("/api/petitions") and "{" not in r.path and "GET" in r.methods
    ]
    pages = ["/petitions", "/petitions/backlog", "/petitions/receptions"]
    for who in ("office", "body", "leader", "admin"):
        reader = client(app, who)
        for path in sorted(set(lists)):
            answer = reader.get(path, params={"min_age_days": 1} if path.endswith("backlog") else None)
            if answer.status_code != 200:
                continue
            assert not any(word in answer.text for word in personal), (who, path)
            for row in answer.json():
                assert not any(PERSON_WORDS.search(key) for key in row), (who, path, row)
        for page in pages:
            answer = reader.get(page)
            assert not any(word in answer.text for word in personal), (who, page)
    # Figures count the matter once, whatever the number of petitions on it.
    figures = office.get("/api/petitions/figures").json()
    row = next(r for r in figures if r["category"] == VISIT["category"])
    assert row["matters"] == 1 and row["repeated"] == 1
