"""Metrics and honest splits."""

from __future__ import annotations

import pytest

from zhili.errors import ValidationFailed
from zhili.triage.evaluation import cross_validate, evaluate_split, score, split


def test_score_gives_macro_f1_accuracy_per_class_and_confusion() -> None:
    truth = ["甲", "甲", "甲", "乙", "乙", "丙"]
    predicted = ["甲", "甲", "乙", "乙", "乙", "甲"]
    metrics = score(truth, predicted)
    assert metrics.labels == ["丙", "乙", "甲"]
    assert metrics.accuracy == pytest.approx(4 / 6)
    assert metrics.per_class["甲"].precision == pytest.approx(2 / 3)
    assert metrics.per_class["甲"].recall == pytest.approx(2 / 3)
    assert metrics.per_class["乙"].f1 == pytest.approx(0.8)
    assert metrics.per_class["丙"].f1 == 0 and metrics.per_class["丙"].support == 1
    assert metrics.macro_f1 == pytest.approx((0 + 0.8 + 2 / 3) / 3)
    assert metrics.confusion == [[0, 0, 1], [0, 2, 0], [0, 1, 2]]
    as_dict = metrics.as_dict()
    assert as_dict["n"] == 6 and as_dict["per_class"]["乙"]["support"] == 2


def test_split_is_stratified_reproducible_and_disjoint(samples: tuple[list[str], list[str]]) -> None:
    texts, labels = samples
    train, test = split(texts, labels, 0.25, seed=7)
    assert set(train).isdisjoint(test) and len(train) + len(test) == len(texts)
    assert {labels[i] for i in test} == set(labels)  # every class is in the test part
    assert split(texts, labels, 0.25, seed=7) == (train, test)
    with pytest.raises(ValidationFailed, match="0 和 1 之间"):
        split(texts, labels, 1.5)
    with pytest.raises(ValidationFailed, match="至少 2 条样本"):
        split([*texts, "孤零零的一条"], [*labels, "独类"], 0.25)


def test_holdout_and_cross_validation_score_every_held_out_row(samples: tuple[list[str], list[str]]) -> None:
    texts, labels = samples
    holdout = evaluate_split(texts, labels, test_size=0.25, seed=1)
    assert holdout.n == 6 and holdout.protocol["train_n"] == 18
    folded = cross_validate(texts, labels, folds=3, seed=1)
    assert folded.n == len(texts) and len(folded.protocol["fold_macro_f1"]) == 3
    assert folded.protocol["sparse_classes"] == []
    # A class rarer than the number of folds is still evaluated, and named in the protocol.
    rare = cross_validate([*texts, "表扬社区", "感谢社区"], [*labels, "表扬", "表扬"], folds=3, seed=1)
    assert rare.protocol["sparse_classes"] == ["表扬"] and rare.n == len(texts) + 2
    with pytest.raises(ValidationFailed, match="至少为 2"):
        cross_validate(texts, labels, folds=1)
