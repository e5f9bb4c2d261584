"""The early-warning statistics: Benjamini–Hochberg, the spike test, episodes, the forecaster, and the
backtest command on a generated year."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from zhili.analytics import detect, forecast
from zhili.analytics.store import Store
from zhili.cli import app as cli
from zhili.demo.generator import YearGenerator
from zhili.demo.writers import to_store, write_bursts


def test_benjamini_hochberg_matches_the_textbook() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005])
    assert detect.benjamini_hochberg(p) == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert detect.benjamini_hochberg(np.array([])).size == 0


def quiet(cells: int = 300, days: int = 120, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    rates = rng.gamma(2.0, 1.0, size=(cells, 1))
    return rng.poisson(rates, size=(cells, days)).astype(float)


def test_quiet_areas_do_not_alarm() -> None:
    y = quiet()
    groups = np.arange(len(y)) % 10
    alarms = [a for d in range(40, y.shape[1]) for a in detect.detect_day(y, groups, d)]
    cell_days = len(y) * (y.shape[1] - 40)  # 300 cells × 80 days of pure Poisson noise
    assert len(alarms) / cell_days <= 2.5e-4


def test_a_planted_burst_is_found_early_and_in_its_cell() -> None:
    y = quiet()
    groups = np.arange(len(y)) % 10
    y[17, 90:95] += [3, 6, 9, 6, 3]
    alarms = [a for d in range(40, y.shape[1]) for a in detect.detect_day(y, groups, d)]
    cells = {a.cell for a in alarms}
    assert 17 in cells
    first = min(a.day for a in alarms if a.cell == 17)
    assert 90 <= first <= 93  # before the surge is over
    episodes = detect.episodes(alarms)
    assert next(e for e in episodes if e[0] == 17)[1] == first


def test_a_citywide_season_is_not_a_local_spike() -> None:
    rng = np.random.default_rng(2)
    rates = rng.gamma(2.0, 1.0, size=(300, 1)) * np.where(np.arange(120) >= 100, 3.0, 1.0)
    y = rng.poisson(rates).astype(float)  # every area's rate triples together (heating season)
    groups = np.zeros(len(y), dtype=np.int64)
    alarms = [a for d in range(100, 110) for a in detect.detect_day(y, groups, d)]
    assert len(alarms) <= 2


def test_forecast_follows_level_trend_and_season() -> None:
    weeks = np.arange(120)
    y = 100 + 0.5 * weeks + 30 * np.sin(2 * np.pi * weeks / 52)
    predicted = forecast.forecast(y[:-4], horizon=4)
    assert predicted == pytest.approx(y[-4:], rel=0.08)
    assert forecast.forecast(np.array([]), 4).tolist() == [0, 0, 0, 0]
    assert (forecast.forecast(np.array([5.0, 0, 0, 0, 0, 0]), 4) >= 0).all()
    assert forecast.backtest_mape(y) < 0.08


def test_working_days_follow_the_official_calendar() -> None:
    # 2025-09-29 (Mon): Mon–Tue work, Wed 10-01 … Sun 10-05 are 国庆节 → 2 working days.
    # 2025-10-06 (Mon): Mon–Wed still holiday, Thu–Fri work, Sat 10-11 is a 调休 working day → 3.
    assert forecast.working_days(date(2025, 9, 29), 2).tolist() == [2, 3]
    assert forecast.working_days(date(2025, 9, 15), 1).tolist() == [5]


def test_the_calendar_expects_a_quiet_holiday_week_and_keeps_the_level() -> None:
    # 20 weeks of 100 per working day and 40 per day off, through 国庆节 2025.
    first = date(2025, 7, 7)
    work = forecast.working_days(first, 24)
    y = 100 * work + 40 * (7 - work)
    history, future = y[:12], y[12:16]  # the forecast covers the weeks of 09-29 and 10-06
    assert first + timedelta(weeks=12) == date(2025, 9, 29)
    predicted = forecast.forecast(history, 4, first_week=first)
    assert predicted == pytest.approx(future, rel=0.05)
    blind = forecast.forecast(history, 4)  # without the calendar: a flat 580 a week
    assert abs(blind[0] - future[0]) > 5 * abs(predicted[0] - future[0])
    # After the holiday the level is where it was: the quiet weeks are not read as a fall.
    after = forecast.forecast(y[:17], 4, first_week=first)
    assert after == pytest.approx(y[17:21], rel=0.05)


def test_backtest_command_reports_precision_recall_and_lead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path / "analytics")
    gen = YearGenerator(120_000, 2025, seed=4, bursts=8)
    to_store(gen, store, lambda n: None)
    write_bursts(gen, store.root / "_bursts.json")
    monkeypatch.setenv("ZHILI_DATA_DIR", str(tmp_path))
    from zhili.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["analytics", "backtest"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)["synthetic"]
    assert report["bursts"] >= 6
    assert report["recall"] >= 0.75
    assert report["precision"] >= 0.5
    assert report["lead_days_mean"] is not None
    assert report["forecast"]["categories"] > 5
    # With the official calendar the forecast beats the mean of the last 4 weeks on the generated year.
    assert report["forecast"]["mape_holt"] < report["forecast"]["mape_last4_mean"]
