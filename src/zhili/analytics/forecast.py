"""Weekly demand forecasts per category: additive Holt–Winters with a yearly (52-week) season when two
years of history exist, otherwise damped Holt (level and trend) on the de-seasonalised series, and a
seasonal-naive fallback for short series. Numpy only; parameters by a small grid search on one-step
errors. The forecast is never negative.

Calendar: given the date of the first week, the series is modelled per *effective day*: a working day
under the official calendar counts 1, a weekend day or public holiday counts ``r`` (a 调休 Saturday
is a working day). ``r`` is chosen with the smoothing parameters, so a week holding 国庆节 or 春节 is
expected to be quieter, and the quiet week is not read as a fall in the level."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from zhili.kernel.worktime import is_workday

ALPHAS = (0.05, 0.1, 0.3, 0.5, 0.8)
BETAS = (0.0, 0.05, 0.1, 0.3)  # 0: no trend (simple exponential smoothing)
OFF_DAY_RATIOS = (0.4, 0.55, 0.7, 0.85, 1.0)  # a day off's volume relative to a working day's


def working_days(first_week: date, weeks: int) -> NDArray[np.float64]:
    """Working days in each of ``weeks`` consecutive weeks starting on ``first_week``."""
    return _working_days(first_week, weeks).copy()


@functools.lru_cache(maxsize=64)
def _working_days(first_week: date, weeks: int) -> NDArray[np.float64]:
    # Every category of one forecast asks for the same weeks.
    return np.array(
        [sum(is_workday(first_week + timedelta(days=7 * w + d)) for d in range(7)) for w in range(weeks)],
        dtype=float,
    )


def _holt(
    y: NDArray[np.float64],
    alpha: NDArray[np.float64],
    beta: NDArray[np.float64],
    scale: NDArray[np.float64] | None = None,
    phi: float = 0.9,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Damped Holt over ``y`` for every (alpha, beta) pair at once: final level, trend and the sum of
    squared one-step errors (each error times ``scale[t]``, to score it in other units).

    ``y`` (and ``scale``) may also be a batch of series, one per row, all fitted in the same steps: the
    results then have a row per series, each element computed exactly as for that series alone."""
    batch = y.ndim == 2
    ys = y if batch else y[None, :]
    scales = None if scale is None else (scale if scale.ndim == 2 else scale[None, :])
    shape = (len(ys), len(alpha))
    level = np.broadcast_to(ys[:, :1], shape).copy()
    trend = np.broadcast_to(ys[:, 1:2] - ys[:, :1], shape).copy() if ys.shape[1] > 1 else np.zeros(shape)
    sse = np.zeros(shape)
    for t in range(1, ys.shape[1]):
        predicted = level + phi * trend
        error = ys[:, t : t + 1] - predicted
        sse += (error if scales is None else error * scales[:, t : t + 1]) ** 2
        new_level = predicted + alpha * error
        trend = beta * (new_level - level) + (1 - beta) * phi * trend
        level = new_level
    return (level, trend, sse) if batch else (level[0], trend[0], sse[0])


_GRID = np.array(list(itertools.product(ALPHAS, BETAS)), dtype=float)


def forecast(
    weekly: NDArray[np.float64], horizon: int = 4, season: int = 52, first_week: date | None = None
) -> NDArray[np.float64]:
    """The next ``horizon`` weekly counts after ``weekly`` (oldest first); ``first_week`` (the date
    the first week starts) turns on the calendar adjustment."""
    y = np.asarray(weekly, dtype=float)
    if len(y) == 0:
        return np.zeros(horizon)
    if len(y) < 4:
        return np.full(horizon, y[-min(len(y), 2) :].mean())
    if first_week is None or len(y) >= 2 * season:
        return _smoothed(y, horizon, season)
    work = working_days(first_week, len(y) + horizon)
    candidates = np.array([work + ratio * (7 - work) for ratio in OFF_DAY_RATIOS])
    # Each ratio is scored by its one-step errors in weekly counts, so the ratios are comparable; the
    # ratios are fitted together, as a batch.
    past = candidates[:, : len(y)]
    _, _, sse = _holt(y / past, _GRID[:, 0], _GRID[:, 1], past)
    errors = sse[np.arange(len(sse)), np.argmin(sse, axis=1)]
    effective = candidates[int(np.argmin(errors))]
    return _smoothed(y / effective[: len(y)], horizon, season) * effective[len(y) :]


def _best_fit(
    base: NDArray[np.float64], scale: NDArray[np.float64] | None = None
) -> tuple[float, float, float]:
    """(final level, final trend, one-step SSE) of the best damped Holt fit on the parameter grid."""
    levels, trends, sse = _holt(base, _GRID[:, 0], _GRID[:, 1], scale)
    best = int(np.argmin(sse))
    return float(levels[best]), float(trends[best]), float(sse[best])


def _smoothed(y: NDArray[np.float64], horizon: int, season: int) -> NDArray[np.float64]:
    seasonal = np.zeros(len(y) + horizon)
    if len(y) >= 2 * season:
        profile = np.array([y[i::season].mean() for i in range(season)]) - y.mean()
        seasonal = np.resize(profile, len(y) + horizon)
    base = y - seasonal[: len(y)]
    level, trend, _ = _best_fit(base)
    steps = np.array([sum(0.9**k for k in range(1, h + 1)) for h in range(1, horizon + 1)])
    return np.maximum(level + steps * trend + seasonal[len(y) :], 0.0)


Predictor = Callable[[NDArray[np.float64], int], NDArray[np.float64]]


def last4_mean(history: NDArray[np.float64], horizon: int) -> NDArray[np.float64]:
    """The naive baseline: every coming week is the mean of the last 4."""
    return np.full(horizon, history[-4:].mean())


def backtest_mape(
    weekly: NDArray[np.float64],
    horizon: int = 4,
    start: int = 12,
    first_week: date | None = None,
    predict: Predictor | None = None,
) -> float:
    """Mean absolute percentage error of rolling-origin ``horizon``-week forecasts (an actual of 0
    counts as 1), of :func:`forecast` or of ``predict`` (for example :func:`last4_mean`)."""
    errors = []
    for origin in range(start, len(weekly) - horizon + 1):
        if predict is not None:
            predicted = predict(weekly[:origin], horizon)
        else:
            predicted = forecast(weekly[:origin], horizon, first_week=first_week)
        actual = weekly[origin : origin + horizon]
        errors.append(np.mean(np.abs(predicted - actual) / np.maximum(actual, 1)))
    return float(np.mean(errors)) if errors else float("nan")
