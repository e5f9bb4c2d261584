"""矛盾纠纷聚集预警 over HTTP: a planted cluster of disputes and related 12345 demands in one community
fires (through the 未诉先办 detector), scattered disputes do not, a street sees only its own; the
backtest runs as 未诉先办's does; and the committees' coverage of streets and communities."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from community.governance_accounts import wangjing_communities
from mediation.accounts import client, post, register, registry
from support.cases import client_for, intake
from zhili.mediation import clusters_backtest

TZ = ZoneInfo("Asia/Shanghai")


def _at(days_ago: int) -> str:
    return (datetime.now(TZ) - timedelta(days=days_ago, hours=1)).isoformat()


def test_a_planted_cluster_fires_and_scattered_disputes_do_not(app: Any, session: Session) -> None:
    registry(app)
    worker = client(app, "worker")
    operator = client_for(app, "operator")
    # Two neighbours' 12345 complaints (邻里纠纷) in one community, and the dispute they make.
    demands = [intake(operator, category="1602", title=f"邻居噪音扰民{i}") for i in range(2)]
    linked = register(worker, source="hotline", case_codes=demands, division_code=None, received_at=_at(1))
    community = worker.get(f"/api/mediation/disputes/{linked['code']}").json()["division_code"]
    assert len(community) == 12
    for days_ago in (0, 1, 2):
        register(worker, division_code=community, place="望京西园三区 3 号楼", received_at=_at(days_ago))
    others = [c for c in wangjing_communities(session, 8) if c != community][:5]
    for code in others:  # one dispute in each of five other communities: scattered
        register(worker, division_code=code, received_at=_at(1))

    warnings = worker.get("/api/mediation/warnings")
    assert warnings.status_code == 200, warnings.text
    fired = warnings.json()
    assert [w["community"] for w in fired] == [community]
    assert fired[0]["disputes"] == 4 and fired[0]["demands"] == 2 and fired[0]["observed"] == 6
    assert fired[0]["places"] == ["望京西园三区 3 号楼（3 起）"] and fired[0]["q_value"] < 0.01
    assert client(app, "other_worker").get("/api/mediation/warnings").json() == []
    page = worker.get("/mediation")
    assert "矛盾纠纷聚集预警" in page.text and "望京西园三区 3 号楼（3 起）" in page.text
    # A week on, the cluster has passed out of the window.
    later = (datetime.now(TZ) + timedelta(days=7)).date().isoformat()
    assert worker.get("/api/mediation/warnings", params={"as_of": later}).status_code == 422
    earlier = (datetime.now(TZ) - timedelta(days=10)).date().isoformat()
    assert worker.get("/api/mediation/warnings", params={"as_of": earlier}).json() == []
    for bad in ("1900-01-01", "昨天", "2025-13-01"):
        refused = worker.get("/api/mediation/warnings", params={"as_of": bad})
        assert refused.status_code == 422, (bad, refused.text)


def test_the_backtest_finds_planted_clusters_and_few_false_ones(app: Any, session: Session) -> None:
    result = clusters_backtest.synthetic(seed=7, communities=100, days=240)
    assert result["injected"]["bursts"] == 30
    assert result["injected"]["recall"] >= 0.6 and result["injected"]["precision"] >= 0.8
    assert result["false_alarms_shuffled"] <= 2
    empty = clusters_backtest.database(session, TZ, datetime.now(TZ).date(), days=120)
    assert empty["communities"] == 0 and "数据不足" in empty["note"]


def test_committee_coverage_of_streets_and_communities(app: Any, session: Session) -> None:
    registry(app)  # 望京街道人民调解委员会 serves the street
    worker = client(app, "worker")
    first = worker.get("/api/mediation/coverage").json()
    assert len(first) == 1 and first[0]["division_code"] == "110105026"
    assert (
        first[0]["streets"] == 1 and first[0]["streets_covered"] == 1 and first[0]["street_coverage"] == 1.0
    )
    communities = first[0]["communities"]
    assert communities > 1 and first[0]["communities_covered"] == 0
    community = wangjing_communities(session, 1)[0]
    post(
        client(app, "admin"),
        "/committees",
        name="望京西园三区社区人民调解委员会",
        track="people",
        division_code=community,
    )
    after = worker.get("/api/mediation/coverage").json()[0]
    assert after["communities_covered"] == 1
    assert after["community_coverage"] == round(1 / communities, 4)
    assert "人民调解委员会覆盖率" in worker.get("/mediation").text
    assert client(app, "other_worker").get("/api/mediation/coverage").json()[0]["streets_covered"] == 0
