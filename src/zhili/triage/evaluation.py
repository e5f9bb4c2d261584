"""Honest measurement: stratified hold-out split or k-fold cross-validation on de-duplicated data.

The caller passes de-duplicated texts (``datasets.load_labelled`` does it), so a text can never be
both trained on and tested on. Metrics are macro-F1, accuracy, per-class precision / recall / F1 and
the confusion matrix.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold, train_test_split

from zhili.errors import ValidationFailed
from zhili.triage.classifier import ModelConfig, TextClassifier
from zhili.triage.datasets import DEFAULT_SEED


@dataclass
class ClassMetrics:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class Metrics:
    macro_f1: float
    accuracy: float
    n: int
    labels: list[str]
    per_class: dict[str, ClassMetrics]
    confusion: list[list[int]]  # rows: true label, columns: predicted label (order of ``labels``)
    protocol: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "macro_f1": round(self.macro_f1, 4),
            "accuracy": round(self.accuracy, 4),
            "n": self.n,
            "protocol": self.protocol,
            "per_class": {
                label: {
                    "precision": round(m.precision, 4),
                    "recall": round(m.recall, 4),
                    "f1": round(m.f1, 4),
                    "support": m.support,
                }
                for label, m in self.per_class.items()
            },
            "labels": self.labels,
            "confusion": self.confusion,
        }


def score(truth: Sequence[str], predicted: Sequence[str], protocol: dict[str, Any] | None = None) -> Metrics:
    labels = sorted(set(truth) | set(predicted))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=labels, zero_division=0
    )
    truth_labels = set(truth)
    # Macro-F1 over the classes really present in the truth (a class predicted but absent counts 0).
    present = [i for i, label in enumerate(labels) if label in truth_labels]
    return Metrics(
        macro_f1=float(np.mean([f1[i] for i in present])),
        accuracy=float(np.mean([t == p for t, p in zip(truth, predicted, strict=True)])),
        n=len(truth),
        labels=labels,
        per_class={
            label: ClassMetrics(float(precision[i]), float(recall[i]), float(f1[i]), int(support[i]))
            for i, label in enumerate(labels)
        },
        confusion=confusion_matrix(truth, predicted, labels=labels).tolist(),
        protocol=protocol or {},
    )


def _check_counts(labels: Sequence[str], needed: int, what: str) -> None:
    rare = sorted(label for label, count in Counter(labels).items() if count < needed)
    if rare:
        message = f"{what}要求每个类别至少 {needed} 条样本；样本不足的类别：{'、'.join(rare)}。"
        raise ValidationFailed(message, field="label_column")


def split(
    texts: Sequence[str], labels: Sequence[str], test_size: float, seed: int = DEFAULT_SEED
) -> tuple[list[int], list[int]]:
    """Stratified train / test row indices."""
    if not 0 < test_size < 1:
        raise ValidationFailed("--split 必须在 0 和 1 之间，例如 0.2。", field="split")
    _check_counts(labels, 2, "分层划分")
    train, test = train_test_split(
        np.arange(len(texts)), test_size=test_size, stratify=list(labels), random_state=seed
    )
    return sorted(int(i) for i in train), sorted(int(i) for i in test)


def evaluate_split(
    texts: Sequence[str],
    labels: Sequence[str],
    test_size: float = 0.2,
    seed: int = DEFAULT_SEED,
    config: ModelConfig | None = None,
) -> Metrics:
    train, test = split(texts, labels, test_size, seed)
    model = TextClassifier(config).fit([texts[i] for i in train], [labels[i] for i in train])
    predicted = model.predict([texts[i] for i in test])
    protocol = {"method": "holdout", "test_size": test_size, "seed": seed, "train_n": len(train)}
    return score([labels[i] for i in test], predicted, protocol)


def cross_validate(
    texts: Sequence[str],
    labels: Sequence[str],
    folds: int = 5,
    seed: int = DEFAULT_SEED,
    config: ModelConfig | None = None,
) -> Metrics:
    """Out-of-fold predictions of every row, scored together; per-fold macro-F1 is in the protocol."""
    if folds < 2:
        raise ValidationFailed("--cv 至少为 2。", field="cv")
    _check_counts(labels, 2, "交叉验证")
    if folds > len(labels):
        raise ValidationFailed(f"样本只有 {len(labels)} 条，不能做 {folds} 折交叉验证。", field="cv")
    # A class rarer than the number of folds is still scored, but is missing from some test folds.
    sparse = sorted(label for label, count in Counter(labels).items() if count < folds)
    predicted: list[str] = [""] * len(texts)
    fold_f1: list[float] = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with warnings.catch_warnings():  # sparse classes are reported in the protocol instead
        warnings.simplefilter("ignore", UserWarning)
        folds_rows = list(splitter.split(np.zeros(len(labels)), list(labels)))
    for train, test in folds_rows:
        model = TextClassifier(config).fit([texts[i] for i in train], [labels[i] for i in train])
        fold_predictions = model.predict([texts[i] for i in test])
        for i, label in zip(test, fold_predictions, strict=True):
            predicted[i] = label
        fold_f1.append(score([labels[i] for i in test], fold_predictions).macro_f1)
    protocol = {
        "method": "cv",
        "folds": folds,
        "seed": seed,
        "fold_macro_f1": [round(f, 4) for f in fold_f1],
        "sparse_classes": sparse,
    }
    return score(list(labels), predicted, protocol)


def evaluate_model(model: Any, texts: Sequence[str], labels: Sequence[str]) -> Metrics:
    """Score an already trained model (for example the active one) on a labelled set."""
    probabilities = model.predict_proba(list(texts))
    predicted = [model.labels[i] for i in probabilities.argmax(axis=1)]
    return score(list(labels), predicted, {"method": "stored_model"})
