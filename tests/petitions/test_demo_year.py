"""``zhili init --demo --demo-cases``: the demo year has petitions and disputes beside its demands,
written through the services, with every path represented, in the analytical store too, and the
信访 figures computed on it (SQLite; the services are the same on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from zhili.auth.service import system_actor
from zhili.cli import app
from zhili.db import Database
from zhili.mediation.models import Dispute
from zhili.petitions import figures
from zhili.petitions.models import Petition, PetitionMatter
from zhili.settings import get_settings


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("ZHILI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("ZHILI_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_the_demo_year_has_petitions_and_disputes_on_every_path(data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--demo", "--demo-cases", "2500"])
    assert result.exit_code == 0, result.output
    assert "演示信访件" in result.output and "矛盾纠纷" in result.output
    settings = get_settings()
    database = Database(settings.resolved_database_url)
    try:
        with database.session(write=False) as session:
            states = dict(
                session.execute(
                    select(PetitionMatter.state, func.count()).group_by(PetitionMatter.state)
                ).all()
            )
            matters = sum(states.values())
            assert matters >= 25  # one per 100 demands
            assert states.get("concluded", 0) > 0 and states.get("refused", 0) > 0
            channels = set(session.scalars(select(Petition.channel).distinct()).all())
            assert {"online", "visit", "letter"} <= {str(c) for c in channels}
            repeated = session.execute(
                select(func.count()).select_from(PetitionMatter).where(PetitionMatter.petitions > 1)
            ).scalar_one()
            assert repeated > 0
            assert (
                session.execute(
                    select(func.count())
                    .select_from(PetitionMatter)
                    .where(PetitionMatter.satisfaction.is_not(None))
                ).scalar_one()
                > 0
            )
            sealed = session.execute(select(Petition.name_enc, Petition.phone_enc)).all()
            assert all(name and phone and not phone.isdigit() for name, phone in sealed)  # stored encrypted
            dispute_states = set(session.scalars(select(Dispute.state).distinct()).all())
            assert (
                len(dispute_states) >= 3
                and session.execute(select(func.count()).select_from(Dispute)).scalar_one() >= 25
            )
            report = figures.report(
                session, replace(system_actor(), user_id=1), 2025, ZoneInfo("Asia/Shanghai"), 90
            )
            assert report.total.decided > 0 and report.total.replied > 0 and report.total.rated > 0
    finally:
        database.dispose()
    store = settings.resolved_analytics_dir
    assert list((store / "petitions").rglob("*.parquet")) and list((store / "disputes").rglob("*.parquet"))
