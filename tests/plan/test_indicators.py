"""Plan indicators: computed values against hand-computed small cases, recomputation after the data
changes, entered values with evidence, and refusals that write nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community.governance_accounts import JIUXIANQIAO_STREET, WANGJING_STREET, client, wangjing_communities
from zhili.auth.models import Role
from zhili.auth.scope import EVERYTHING, Actor
from zhili.community.halls import service as hall_service
from zhili.community.halls.schemas import HallIn
from zhili.community.organisations import service as organisations
from zhili.community.organisations.models import HubKind, OrgType
from zhili.community.profiles import service as profiles
from zhili.community.profiles.schemas import ProfileIn
from zhili.community.volunteers import service as volunteer_service
from zhili.community.volunteers.schemas import VolunteerIn
from zhili.kernel.crypto import cipher_for
from zhili.plan import compute
from zhili.plan import service as plan
from zhili.plan.catalogue import INDICATORS
from zhili.plan.models import Indicator, IndicatorValue

ADMIN = Actor(user_id=1, username="admin", role=Role.admin, unit_id=None, scope=EVERYTHING)
CIPHER = cipher_for("", "test-secret-" + "x" * 32)
CHAOYANG = "110105"


def _streets(session: Session, district: str) -> int:
    from zhili.divisions.models import Division, DivisionLevel

    return int(
        session.execute(
            select(func.count()).where(
                Division.level == DivisionLevel.street, Division.parent_code == district
            )
        ).scalar_one()
    )


def test_catalogue_holds_every_target_of_the_plan(session: Session) -> None:
    rows = {row.code: row for row in session.scalars(select(Indicator))}
    assert set(rows) == {d.code for d in INDICATORS} and len(rows) == 17
    assert rows["volunteer_share"].target == 21 and rows["volunteer_share"].baseline == 20.26
    assert rows["social_workers"].target == 100_000 and rows["certified_social_workers"].target == 60_000
    assert rows["incubation_coverage"].target == 70 and rows["federation_coverage"].target == 80
    assert all(row.deadline == date(2025, 12, 31) and row.source for row in rows.values())


def test_hub_and_org_coverage_hand_computed(session: Session) -> None:
    streets = _streets(session, CHAOYANG)
    organisations.add_hub(
        session,
        ADMIN,
        kind=HubKind.incubation,
        street_code=WANGJING_STREET,
        name="望京孵化中心",
        established_on=None,
    )
    organisations.add_hub(
        session,
        ADMIN,
        kind=HubKind.incubation,
        street_code=JIUXIANQIAO_STREET,
        name="酒仙桥孵化中心",
        established_on=None,
    )
    organisations.add_hub(
        session,
        ADMIN,
        kind=HubKind.federation,
        street_code=WANGJING_STREET,
        name="望京联合会",
        established_on=None,
    )
    incubation = compute.incubation_coverage(session, CHAOYANG)
    assert incubation is not None and (incubation.numerator, incubation.denominator) == (2, streets)
    assert incubation.percent == round(2 / streets * 100, 2)
    federation = compute.federation_coverage(session, CHAOYANG)
    assert federation is not None and federation.numerator == 1

    assert compute.four_type_share(session, WANGJING_STREET) is None  # no organisations: no value
    for n, kind in enumerate([OrgType.trade, OrgType.community, OrgType.charity, OrgType.other]):
        organisations.add_organisation(
            session, ADMIN, name=f"组织{n}", org_type=kind, street_code=WANGJING_STREET, registered_on=None
        )
    share = compute.four_type_share(session, WANGJING_STREET)
    assert share is not None and share.percent == 75.0  # 3 of 4


def test_profile_indicators_hand_computed(session: Session) -> None:
    a, b, c = wangjing_communities(session, 3)
    # a: 400 m², committee, 100 households all covered; b: 300 m², none, 300 households half covered;
    # c: a new estate with 450 m² (needs 500), committee, 100 households, no property service.
    for code, space, new, committee, households, coverage in (
        (a, 400, False, True, 100, 1.0),
        (b, 300, False, False, 300, 0.5),
        (c, 450, True, True, 100, 0.0),
    ):
        profiles.save_profile(
            session,
            ADMIN,
            code,
            ProfileIn(
                population=households * 3,
                households=households,
                service_space_m2=space,
                new_estate=new,
                has_owners_committee=committee,
                property_coverage=coverage,
            ),
        )
    space = compute.service_space_compliance(session, WANGJING_STREET)
    assert space is not None and (space.numerator, space.denominator) == (1, 3)
    committee = compute.owners_committee_rate(session, WANGJING_STREET)
    assert committee is not None and committee.percent == 66.67
    coverage = compute.property_coverage(session, WANGJING_STREET)
    # (100 × 1.0 + 300 × 0.5 + 100 × 0) / 500 = 50%
    assert coverage is not None and coverage.percent == 50.0


def test_hall_coverage_and_models_hand_computed(session: Session) -> None:
    from zhili.divisions.models import Division

    codes = session.scalars(select(Division.code).where(Division.parent_code == WANGJING_STREET)).all()
    urban = [code for code in codes if int(code[-3:]) < 200]
    first, second = urban[:2]
    for code in (first, second):
        hall_service.create_hall(
            session,
            ADMIN,
            HallIn(community_code=code, name="议事厅", is_model=True, established_on=date(2024, 1, 1)),
        )
    halls = compute.hall_coverage(session, WANGJING_STREET)
    assert halls is not None and (halls.numerator, halls.denominator) == (2, len(urban))
    models = compute.deliberation_models(session, CHAOYANG)
    assert models is not None and (models.numerator, models.denominator) == (1, _streets(session, CHAOYANG))


def test_volunteer_share_recomputed_after_the_data_changes(session: Session) -> None:
    a = wangjing_communities(session, 1)[0]
    as_of = date(2025, 6, 30)
    profiles.save_profile(session, ADMIN, a, ProfileIn(population=10, households=4, service_space_m2=350))
    first = plan.recompute(session, actor="admin", as_of=as_of, within=WANGJING_STREET)
    assert first["volunteer_share"] == 0.0
    volunteer_service.register(
        session, ADMIN, CIPHER, VolunteerIn(community_code=a, name="甲", phone="13600000001")
    )
    volunteer_service.register(
        session, ADMIN, CIPHER, VolunteerIn(community_code=a, name="乙", phone="13600000002")
    )
    again = plan.recompute(session, actor="admin", as_of=as_of, within=WANGJING_STREET)
    assert again["volunteer_share"] == 20.0
    stored = session.scalars(
        select(IndicatorValue).where(IndicatorValue.indicator_code == "volunteer_share")
    ).all()
    assert (
        len(stored) == 1
        and stored[0].value == 20.0
        and (stored[0].numerator, stored[0].denominator) == (2, 10)
    )
    row = next(r for r in plan.progress(session, as_of) if r.indicator.code == "volunteer_share")
    assert row.status == "滞后" and row.expected == round(20.26 + (21 - 20.26) * 1642 / 1826, 2)


def test_entered_values_and_refusals(app: Any, session: Session) -> None:
    leader = client(app, "leader")
    worker = client(app, "worker")
    ok = leader.post(
        "/api/plan/indicators/social_workers/values",
        json={"as_of": "2024-12-31", "value": 82000, "evidence": "市民政局2024年社会工作统计公报"},
    )
    assert ok.status_code == 201, ok.text
    before = session.execute(select(func.count()).select_from(IndicatorValue)).scalar_one()
    refusals = [
        (worker, "social_workers", {"as_of": "2024-12-31", "value": 1, "evidence": "x"}, 403, None),
        (leader, "volunteer_share", {"as_of": "2024-12-31", "value": 22, "evidence": "x"}, 409, "value"),
        (leader, "social_workers", {"as_of": "2024-12-31", "value": 1, "evidence": " "}, 422, "evidence"),
        (leader, "social_workers", {"as_of": "2019-12-31", "value": 1, "evidence": "x"}, 422, "as_of"),
        (
            leader,
            "psych_street_coverage",
            {"as_of": "2024-12-31", "value": 130, "evidence": "x"},
            422,
            "value",
        ),
        (leader, "nonexistent", {"as_of": "2024-12-31", "value": 1, "evidence": "x"}, 404, None),
    ]
    for c, code, body, status, field in refusals:
        response = c.post(f"/api/plan/indicators/{code}/values", json=body)
        assert response.status_code == status, (code, response.text)
        if field:
            assert response.json()["error"]["field"] == field
    assert session.execute(select(func.count()).select_from(IndicatorValue)).scalar_one() == before

    listed = {
        row["code"]: row for row in leader.get("/api/plan/indicators", params={"as_of": "2025-01-01"}).json()
    }
    workers = listed["social_workers"]
    assert workers["value"] == 82000 and workers["evidence"].startswith("市民政局")
    assert workers["completion"] == 82.0 and workers["status"] == "符合进度"
    assert leader.post("/api/plan/recompute", json={"as_of": "2025-01-01"}).status_code == 200
    assert worker.post("/api/plan/recompute", json={}).status_code == 403
