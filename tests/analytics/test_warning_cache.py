"""Early warnings kept per day and reach (``analytics.warning_cache``): computed once, read while the
rollup months they come from are unchanged, computed again after a sync rewrites one of them."""

from __future__ import annotations

import json
import os
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from analytics.handmade import HAIDIAN, JIUXIANQIAO, WANGJING, case, write
from zhili.analytics import rollup_build, rollups, warning_cache, warnings
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY, Reach
from zhili.analytics.labels import Labels
from zhili.analytics.store import Store

AS_OF = date(2025, 10, 20)
CHAOYANG = Reach(division_codes=frozenset({"110105"}))
STREET = Reach(division_codes=frozenset({"110105026"}))


@pytest.fixture(scope="session")
def backend() -> str:
    """The views read DuckDB stores; the database only names streets and categories."""
    return "sqlite"


def _rows() -> list[dict[str, Any]]:
    rng = random.Random(7)
    places = (WANGJING, JIUXIANQIAO, HAIDIAN)
    rows = [
        case(i, date(2025, 8, 1) + timedelta(days=rng.randrange(92)), rng.choice(places), "020201")
        for i in range(1, 400)
    ]
    # A burst of one street × category in the three days before AS_OF: the day's alarm.
    rows += [case(1000 + k, AS_OF - timedelta(days=k % 3), WANGJING, "020101") for k in range(40)]
    return rows


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    store = Store(tmp_path / "store")
    write(store, _rows())
    rollup_build.rebuild(store, store.months())
    return Engine(store)


def _kept(engine: Engine) -> list[Path]:
    return sorted((engine.store.root / warning_cache.FOLDER).glob("*.json"))


def test_a_day_is_computed_once_then_read_until_its_months_change(engine: Engine, session: Session) -> None:
    first = warnings.early_warnings(engine, Labels(session), CITY, AS_OF)
    assert any(w["street"] == WANGJING[1] and w["category"] == "020101" for w in first)
    (path,) = _kept(engine)
    assert path.name.startswith("2025-10-20-")
    # What is kept is what is read: change the kept alarm and the next ask shows the change.
    data = json.loads(path.read_text(encoding="utf-8"))
    data["alarms"][0]["observed"] = 999
    path.write_text(json.dumps(data), encoding="utf-8")
    again = warnings.early_warnings(engine, Labels(session), CITY, AS_OF)
    assert again[0]["observed"] == 999 and again[0]["street_label"] == first[0]["street_label"]
    # Asked to compute, the detector runs whatever is kept.
    assert warnings.early_warnings(engine, Labels(session), CITY, AS_OF, kept=False) == first
    # A sync rewrites October's rollup file: the kept day is computed again.
    (october,) = engine.store.files(rollups.BY_NAME["street_days"].table, "2025-10")
    stat = october.stat()
    os.utime(october, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert warnings.early_warnings(engine, Labels(session), CITY, AS_OF) == first


def test_city_and_district_are_kept_apart_and_a_street_is_not_kept(engine: Engine, session: Session) -> None:
    city = warnings.early_warnings(engine, Labels(session), CITY, AS_OF)
    district = warnings.early_warnings(engine, Labels(session), CHAOYANG, AS_OF)
    street = warnings.early_warnings(engine, Labels(session), STREET, AS_OF)
    assert len(_kept(engine)) == 2
    assert city and district and street
    for reach, answer in ((CITY, city), (CHAOYANG, district)):  # each file answers its own reach
        assert warnings.early_warnings(engine, Labels(session), reach, AS_OF) == answer


def test_old_days_are_removed_when_a_new_one_is_kept(engine: Engine, session: Session) -> None:
    warnings.early_warnings(engine, Labels(session), CITY, date(2025, 8, 15))
    assert [p.name[:10] for p in _kept(engine)] == ["2025-08-15"]
    warnings.early_warnings(engine, Labels(session), CITY, AS_OF)  # 66 days later
    assert [p.name[:10] for p in _kept(engine)] == ["2025-10-20"]


def test_a_store_where_nothing_can_be_kept_still_answers(
    engine: Engine, session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    (engine.store.root / warning_cache.FOLDER).write_text("not a folder")
    answer = warnings.early_warnings(engine, Labels(session), CITY, AS_OF)
    assert answer == warnings.early_warnings(engine, Labels(session), CITY, AS_OF, kept=False)
    assert "early warnings not kept" in caplog.text


def test_without_the_rollup_nothing_is_kept(tmp_path: Path, session: Session) -> None:
    store = Store(tmp_path / "raw")
    write(store, _rows())
    engine = Engine(store)
    assert warnings.early_warnings(engine, Labels(session), CITY, AS_OF)
    assert not (store.root / warning_cache.FOLDER).exists()
