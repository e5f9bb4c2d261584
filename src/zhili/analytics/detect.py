"""未诉先办 spike detection: a statistical test of each area × category against a seasonal baseline.

Given daily counts ``y[cell, day]`` (a cell is an area × category), on day ``d``:

- the observation is the sum over the last ``window`` days (``d - window + 1 … d``);
- the baseline is the mean ``window``-day sum over the ``history`` days before, with a guard gap of
  ``window`` days so that the beginning of a surge does not raise its own baseline;
- the seasonal adjustment multiplies the baseline by the category's city-wide ratio (this window over
  its own history), computed leaving the cell out; a city-wide seasonal rise (heating in November) so
  lifts every area's expectation, and only a local excess remains;
- the cell's rate is uncertain (a quiet cell may have seen nothing in its history by chance), so it
  gets a Gamma prior centred on its category's mean cell rate and worth ``PRIOR_WINDOWS`` windows,
  updated with its history; the count is tested against the posterior predictive, a negative
  binomial: the p-value is P(X ≥ observed) (empirical-Bayes Gamma–Poisson);
- the p-values of all cells tested that day are corrected with Benjamini–Hochberg, and a cell alarms
  when its q-value is below ``fdr`` (default 1 %) and the excess is at least ``min_excess`` cases.

Controlling the false discovery rate (rather than testing each of ~27,000 cells at 5 %) is what keeps
quiet areas quiet: among the alarms of a day, at most ``fdr`` are expected to be false on average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

PRIOR_WINDOWS = 1.0


@dataclass(frozen=True)
class DetectorConfig:
    window: int = 3
    history: int = 28
    fdr: float = 0.01
    min_count: int = 5
    min_excess: float = 3.0
    min_ratio: float = 1.5


@dataclass(frozen=True)
class Alarm:
    cell: int
    day: int
    observed: int
    expected: float
    p_value: float
    q_value: float


def benjamini_hochberg(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """BH-adjusted q-values (monotone, capped at 1)."""
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * n / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    result = np.empty(n)
    result[order] = np.minimum(q, 1.0)
    return result


def _window_sums(y: NDArray[np.float64], window: int) -> NDArray[np.float64]:
    c = np.cumsum(np.pad(y, ((0, 0), (1, 0))), axis=1)
    s = np.full_like(y, np.nan, dtype=float)
    s[:, window - 1 :] = c[:, window:] - c[:, :-window]
    return s


def detect_day(
    y: NDArray[np.float64], groups: NDArray[np.int64], day: int, config: DetectorConfig = DetectorConfig()
) -> list[Alarm]:
    """Alarms of ``day`` for the count matrix ``y[cell, day]``; ``groups[cell]`` is its category (the
    seasonal adjustment pools cells of one category)."""
    w, h = config.window, config.history
    first_history = day - w - h + 1  # history windows end before the guard gap
    if first_history - w + 1 < 0:
        return []
    observed = y[:, day - w + 1 : day + 1].sum(axis=1)
    hist_days = y[:, first_history - w + 1 : day - w + 1]
    sums = _window_sums(hist_days, w)[:, w - 1 :: w]  # non-overlapping window sums in the history
    n_windows = sums.shape[1]
    total = sums.sum(axis=1)
    mean = total / n_windows
    n_groups = int(groups.max()) + 1 if len(groups) else 0
    # Seasonal factor per category, leaving the cell out.
    group_obs = np.bincount(groups, weights=observed, minlength=n_groups)
    group_mean = np.bincount(groups, weights=mean, minlength=n_groups)
    loo_obs = group_obs[groups] - observed
    loo_mean = group_mean[groups] - mean
    factor = np.where(loo_mean > 0, (loo_obs + 1.0) / (loo_mean + 1.0), 1.0)
    # Gamma prior on a cell's rate per window: the category's mean cell rate, worth PRIOR_WINDOWS.
    cells_per_group = np.maximum(np.bincount(groups, minlength=n_groups), 1)
    prior_mean = np.maximum(group_mean / cells_per_group, 1e-3)[groups]
    shape = prior_mean * PRIOR_WINDOWS + total
    rate = PRIOR_WINDOWS + n_windows
    expected = factor * shape / rate
    candidates = np.flatnonzero(
        (observed >= config.min_count)
        & (observed - expected >= config.min_excess)
        & (observed >= config.min_ratio * expected)
    )
    tested = int((observed > 0).sum())  # every cell with demand that day is a test in the family
    if len(candidates) == 0 or tested == 0:
        return []
    x = observed[candidates]
    mu = expected[candidates]
    # Posterior predictive of a Poisson count with a Gamma(shape, rate) rate, scaled by the season:
    # negative binomial with size = shape and success probability rate / (rate + factor).
    from scipy import stats  # at first use: scipy.stats takes seconds to import, at every start

    p = stats.nbinom.sf(x - 1, shape[candidates], rate / (rate + factor[candidates]))
    # Cells that are not candidates have large p-values; they count in the family at 1.
    family = np.ones(tested)
    family[: len(p)] = p
    q = benjamini_hochberg(family)[: len(p)]
    return [
        Alarm(int(c), day, int(o), float(e), float(pv), float(qv))
        for c, o, e, pv, qv in zip(candidates, x, mu, p, q, strict=True)
        if qv < config.fdr
    ]


def episodes(alarms: list[Alarm], gap: int = 2) -> list[tuple[int, int, int, Alarm]]:
    """Alarms merged per cell into episodes (cell, first day, last day, strongest alarm): alarms of
    one cell on days no more than ``gap`` apart belong to one episode."""
    by_cell: dict[int, list[Alarm]] = {}
    for alarm in sorted(alarms, key=lambda a: (a.cell, a.day)):
        by_cell.setdefault(alarm.cell, []).append(alarm)
    result = []
    for cell, items in by_cell.items():
        start = items[0]
        last = items[0]
        strongest = items[0]
        for alarm in items[1:]:
            if alarm.day - last.day > gap:
                result.append((cell, start.day, last.day, strongest))
                start = strongest = alarm
            elif alarm.p_value < strongest.p_value:
                strongest = alarm
            last = alarm
        result.append((cell, start.day, last.day, strongest))
    return result
