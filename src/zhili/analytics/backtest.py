"""Backtests of the early-warning detector and the forecaster (``zhili analytics backtest``).

Synthetic: a generated year with planted bursts (the ``_bursts.json`` sidecar). The detector runs on
every day as if it were today; its alarms, merged into episodes, are matched to bursts by street,
category and time (an episode that overlaps the burst, or starts up to two days after it). Precision
is matched episodes / all episodes, recall found bursts / bursts, and lead time the days between the
first alarm and the burst's last day (how early, before the surge is over, the street could act).

Real: the timestamps of ``teddy2020c/hotspot_messages.csv``. There is no ground truth there, so the
detector runs on the real daily series per area (A1区 … from the text) twice: as they are (alarms are
listed for reading), and with the dates shuffled within the period, which destroys every burst: any
alarm there is false, which measures the false-alarm rate on real volumes. Recall and lead time on real
timestamps come from bursts injected into the real series.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from zhili.analytics import detect, forecast
from zhili.analytics.engine import Engine
from zhili.analytics.filters import CITY
from zhili.analytics.warnings import cube


@dataclass(frozen=True)
class Planted:
    cell: int
    start: int
    end: int


def score(episodes: list[tuple[int, int, int, detect.Alarm]], planted: list[Planted]) -> dict[str, Any]:
    matched_episodes = 0
    found: dict[int, int] = {}
    for cell, first, last, _ in episodes:
        hits = [i for i, p in enumerate(planted) if p.cell == cell and first <= p.end + 2 and last >= p.start]
        if hits:
            matched_episodes += 1
            for i in hits:
                found[i] = min(found.get(i, first), first)
    leads = [planted[i].end - day for i, day in found.items()]
    delays = [day - planted[i].start for i, day in found.items()]
    return {
        "bursts": len(planted),
        "found": len(found),
        "episodes": len(episodes),
        "false_episodes": len(episodes) - matched_episodes,
        "precision": round(matched_episodes / len(episodes), 3) if episodes else None,
        "recall": round(len(found) / len(planted), 3) if planted else None,
        "lead_days_mean": round(float(np.mean(leads)), 2) if leads else None,
        "delay_days_mean": round(float(np.mean(delays)), 2) if delays else None,
    }


def run_detector(
    y: NDArray[np.float64], groups: NDArray[np.int64], config: detect.DetectorConfig, first: int
) -> list[tuple[int, int, int, detect.Alarm]]:
    alarms: list[detect.Alarm] = []
    for day in range(first, y.shape[1]):
        alarms += detect.detect_day(y, groups, day, config)
    return detect.episodes(alarms)


def synthetic(
    engine: Engine, bursts_file: Path, config: detect.DetectorConfig = detect.DetectorConfig()
) -> dict[str, Any]:
    meta = json.loads(bursts_file.read_text(encoding="utf-8"))
    year = int(meta["year"])
    start, end = date(year, 1, 1), date(year, 12, 31)
    c = cube(engine, CITY, start, end)
    cell_of = {
        (c.areas[a], c.categories[k]): i
        for i, (a, k) in enumerate(zip(c.cell_area, c.cell_category, strict=True))
    }
    planted = []
    for b in meta["bursts"]:
        cell = cell_of.get((b["street_code"], b["category_code"]))
        if cell is not None:
            planted.append(
                Planted(
                    cell,
                    c.day_index(date.fromisoformat(b["start"])),
                    c.day_index(date.fromisoformat(b["end"])),
                )
            )
    first = config.window * 2 + config.history
    episodes = run_detector(c.y, c.cell_category, config, first)
    planted = [p for p in planted if p.start >= first]
    result = score(episodes, planted)
    tested_cells = len(c.y)
    result["cell_days"] = tested_cells * (c.y.shape[1] - first)
    result["false_episodes_per_1000_cell_years"] = round(
        result["false_episodes"] / (result["cell_days"] / 365) * 1000, 3
    )
    result["forecast"] = forecast_backtest(engine)
    return result


def forecast_backtest(engine: Engine) -> dict[str, Any]:
    """Rolling-origin 4-week MAPE per level-1 category: ours against the mean of the last 4 weeks."""
    rows = engine.rows(
        "SELECT category_l1 AS c, date_trunc('week', local_date)::DATE AS w, count(*) AS n FROM cases "
        "WHERE category_l1 IS NOT NULL GROUP BY ALL ORDER BY 1, 2"
    )
    series: dict[str, list[tuple[date, float]]] = {}
    for r in rows:
        series.setdefault(r["c"], []).append((r["w"], float(r["n"])))
    ours, naive = [], []
    for values in series.values():
        weeks = values[1:-1]  # drop partial first and last weeks
        if len(weeks) < 20:
            continue
        y = np.array([n for _, n in weeks])
        ours.append(forecast.backtest_mape(y, first_week=weeks[0][0]))
        naive.append(forecast.backtest_mape(y, predict=forecast.last4_mean))
    return {
        "categories": len(ours),
        "mape_holt": round(float(np.nanmean(ours)), 4) if ours else None,
        "mape_last4_mean": round(float(np.nanmean(naive)), 4) if naive else None,
    }


AREA = re.compile(r"A\d{1,2}[区县市]")


def teddy(path: Path, seed: int = 7, config: detect.DetectorConfig | None = None) -> dict[str, Any]:
    """The detector on the real message timestamps (area × day); see the module docstring."""
    config = config or detect.DetectorConfig(min_count=4)
    with path.open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    times, areas, titles = [], [], []
    for r in records:
        try:
            moment = datetime.strptime(r["time"].strip(), "%Y/%m/%d %H:%M:%S")
        except ValueError:
            try:
                moment = datetime.strptime(r["time"].strip(), "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
        match = AREA.search(r["title"] + " " + r["body"][:300])
        times.append(moment.date())
        areas.append(match.group(0) if match else "其他")
        titles.append(r["title"].strip())
    first, last = min(times), max(times)
    names = sorted(set(areas))
    index = {a: i for i, a in enumerate(names)}
    days = (last - first).days + 1
    y = np.zeros((len(names), days))
    for day, place in zip(times, areas, strict=True):
        y[index[place], (day - first).days] += 1
    groups = np.zeros(len(names), dtype=np.int64)
    start = config.window * 2 + config.history
    real = run_detector(y, groups, config, start)
    rng = np.random.default_rng(seed)
    shuffled = np.zeros_like(y)
    active = np.flatnonzero(y.sum(axis=0) > 0)
    for row in range(len(names)):
        picks = rng.choice(active, size=int(y[row].sum()))
        np.add.at(shuffled[row], picks, 1)
    null_episodes = run_detector(shuffled, groups, config, start)
    # Inject bursts into the real series: 20 of 3-6 days, each 4× the area's mean daily volume (≥ 6 cases).
    injected = y.copy()
    planted = []
    for _ in range(20):
        row = int(rng.integers(len(names)))
        begin = int(rng.integers(start, days - 8))
        length = int(rng.integers(3, 7))
        extra = max(6, round(4 * y[row].mean() * length))
        injected[row, begin : begin + length] += np.diff(np.round(np.linspace(0, extra, length + 1)))
        planted.append(Planted(row, begin, begin + length - 1))
    injected_score = score(run_detector(injected, groups, config, start), planted)
    alarms = []
    for cell, a, b, strongest in sorted(real, key=lambda e: e[3].p_value)[:10]:
        day_from, day_to = first + timedelta(days=a - config.window + 1), first + timedelta(days=b)
        examples = [
            t
            for t, d, ar in zip(titles, times, areas, strict=True)
            if ar == names[cell] and day_from <= d <= day_to
        ]
        alarms.append(
            {
                "area": names[cell],
                "from": day_from.isoformat(),
                "to": day_to.isoformat(),
                "observed": strongest.observed,
                "expected": round(strongest.expected, 2),
                "titles": examples[:3],
            }
        )
    return {
        "messages": len(times),
        "period": [first.isoformat(), last.isoformat()],
        "areas": len(names),
        "alarms_real": len(real),
        "alarms_shuffled_null": len(null_episodes),
        "area_days_tested": len(names) * (days - start),
        "false_alarm_rate_null": round(len(null_episodes) / (len(names) * (days - start)), 5),
        "injected": injected_score,
        "top_real_alarms": alarms,
    }
