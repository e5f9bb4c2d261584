"""Backtest of the 矛盾纠纷聚集预警, done as the 未诉先办 detector's (``analytics.backtest``): the
detector runs on every day as if it were today, its alarms merged into episodes and matched to
planted clusters by community and time (``analytics.backtest.score``).

On any community × day matrix (a synthetic one, or the database's own ``clusters.series``) three
runs: as it is (alarms listed for reading); with each community's events shuffled over the period,
which destroys every cluster, so any alarm there is false (the false-alarm rate); and with clusters
injected (recall, precision and lead time).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from zhili.analytics import detect
from zhili.analytics.backtest import Planted, run_detector, score
from zhili.mediation.clusters import CONFIG, series


def synthetic_background(seed: int, communities: int = 300, days: int = 365) -> NDArray[np.float64]:
    """Quiet communities: each its own rate (Gamma around 0.08 a day: two to three a month)."""
    rng = np.random.default_rng(seed)
    rates = rng.gamma(shape=2.0, scale=0.04, size=communities)
    return rng.poisson(rates[:, None], size=(communities, days)).astype(float)


def evaluate(
    y: NDArray[np.float64], seed: int = 7, clusters: int = 30, config: detect.DetectorConfig = CONFIG
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    cells, days = y.shape
    groups = np.zeros(cells, dtype=np.int64)
    first = config.window * 2 + config.history
    if cells == 0 or days <= first + 10:
        return {"communities": cells, "days": days, "note": "数据不足，无法回测"}
    real = run_detector(y, groups, config, first)
    shuffled = np.zeros_like(y)
    for row in range(cells):
        picks = rng.integers(0, days, size=int(y[row].sum()))
        np.add.at(shuffled[row], picks, 1)
    null = run_detector(shuffled, groups, config, first)
    # Clusters: 4-8 extra disputes or demands over 2-7 days in one community.
    injected = y.copy()
    planted = []
    for _ in range(clusters):
        row = int(rng.integers(cells))
        begin = int(rng.integers(first, days - 8))
        length = int(rng.integers(2, 8))
        extra = int(rng.integers(4, 9))
        np.add.at(injected[row], begin + rng.integers(0, length, size=extra), 1)
        planted.append(Planted(row, begin, begin + length - 1))
    community_days = cells * (days - first)
    return {
        "communities": cells,
        "days": days,
        "events": int(y.sum()),
        "alarms_as_is": len(real),
        "false_alarms_shuffled": len(null),
        "false_alarms_per_1000_community_years": round(len(null) / (community_days / 365) * 1000, 3),
        "injected": score(run_detector(injected, groups, config, first), planted),
    }


def synthetic(seed: int = 7, communities: int = 300, days: int = 365) -> dict[str, Any]:
    return evaluate(synthetic_background(seed, communities, days), seed)


def database(session: Session, tz: ZoneInfo, end: date, days: int = 365, seed: int = 7) -> dict[str, Any]:
    """The same runs on the database's own disputes and related demands of the last ``days`` days."""
    s = series(session, tz, end - timedelta(days=days - 1), end)
    return evaluate(s.y, seed)
