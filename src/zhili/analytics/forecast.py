"""Weekly demand forecasts per category: additive Holt–Winters with a yearly (52-week) season when two
years of history exist, otherwise damped Holt (level and trend) on the de-seasonalised series, and a
seasonal-naive fallback for short series. Numpy only; parameters by a small grid search on one-step
errors. The forecast is never negative."""

from __future__ import annotations

import itertools

import numpy as np
from numpy.typing import NDArray

ALPHAS = (0.05, 0.1, 0.3, 0.5, 0.8)
BETAS = (0.0, 0.05, 0.1, 0.3)  # 0: no trend (simple exponential smoothing)


def _holt(y: NDArray[np.float64], alpha: float, beta: float, phi: float = 0.9) -> tuple[float, float, float]:
    level, trend = y[0], (y[1] - y[0]) if len(y) > 1 else 0.0
    sse = 0.0
    for value in y[1:]:
        predicted = level + phi * trend
        sse += (value - predicted) ** 2
        new_level = alpha * value + (1 - alpha) * predicted
        trend = beta * (new_level - level) + (1 - beta) * phi * trend
        level = new_level
    return level, trend, sse


def forecast(weekly: NDArray[np.float64], horizon: int = 4, season: int = 52) -> NDArray[np.float64]:
    """The next ``horizon`` weekly counts after ``weekly`` (oldest first)."""
    y = np.asarray(weekly, dtype=float)
    if len(y) == 0:
        return np.zeros(horizon)
    if len(y) < 4:
        return np.full(horizon, y[-min(len(y), 2) :].mean())
    seasonal = np.zeros(len(y) + horizon)
    if len(y) >= 2 * season:
        profile = np.array([y[i::season].mean() for i in range(season)]) - y.mean()
        seasonal = np.resize(profile, len(y) + horizon)
    base = y - seasonal[: len(y)]
    best = min(
        ((a, b) for a, b in itertools.product(ALPHAS, BETAS)), key=lambda ab: _holt(base, ab[0], ab[1])[2]
    )
    level, trend, _ = _holt(base, *best)
    steps = np.array([sum(0.9**k for k in range(1, h + 1)) for h in range(1, horizon + 1)])
    return np.maximum(level + steps * trend + seasonal[len(y) :], 0.0)


def backtest_mape(weekly: NDArray[np.float64], horizon: int = 4, start: int = 12) -> float:
    """Mean absolute percentage error of rolling-origin ``horizon``-week forecasts."""
    errors = []
    for origin in range(start, len(weekly) - horizon + 1):
        predicted = forecast(weekly[:origin], horizon)
        actual = weekly[origin : origin + horizon]
        mask = actual > 0
        if mask.any():
            errors.append(np.mean(np.abs(predicted[mask] - actual[mask]) / actual[mask]))
    return float(np.mean(errors)) if errors else float("nan")


def seasonal_naive(weekly: NDArray[np.float64], horizon: int = 4, season: int = 52) -> NDArray[np.float64]:
    y = np.asarray(weekly, dtype=float)
    if len(y) >= season:
        return y[len(y) - season : len(y) - season + horizon]
    return np.full(horizon, y[-4:].mean() if len(y) else 0.0)
