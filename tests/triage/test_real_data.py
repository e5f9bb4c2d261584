"""REAL DATA: the category classifier on the Teddy Cup 2020 C messages (read in place, never copied).

Find these with ``pytest -k real_data``. The floor sits below the measured score (see the issue's
closing note) so that it guards against regressions without being flaky.
"""

from __future__ import annotations

from pathlib import Path

from zhili.triage.datasets import load_labelled
from zhili.triage.evaluation import evaluate_split

TEDDY_FILES = ("labeled_full.csv", "labeled_titles.csv", "labeled_bodies.csv")
MACRO_F1_FLOOR = 0.925


def test_real_data_teddy_category_macro_f1_on_an_honest_split(shared_data: Path) -> None:
    files = [shared_data / "teddy2020c" / name for name in TEDDY_FILES]
    data = load_labelled(files, ["title", "body"], "label")
    assert len(data.texts) > 13_000 and len(data.class_counts()) == 7
    assert data.duplicates_removed > 0  # de-duplicated before the split

    metrics = evaluate_split(data.texts, data.labels, test_size=0.2, seed=42)

    assert metrics.n == round(len(data.texts) * 0.2)
    assert metrics.macro_f1 >= MACRO_F1_FLOOR, metrics.as_dict()
    assert metrics.accuracy >= MACRO_F1_FLOOR
