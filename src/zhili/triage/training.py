"""Train a classifier and store it as a new model version.

``train_from_frames`` is the one entry point: files (``train_from_files``) and, later, closed cases
from the database (``--from-db``, with dispatcher overrides as the labels) both end up here with
plain texts and labels. Everything is checked and fitted before anything is written.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zhili.errors import ValidationFailed
from zhili.triage import model_store
from zhili.triage.classifier import ModelConfig, TextClassifier
from zhili.triage.datasets import DEFAULT_SEED, deduplicate, load_labelled
from zhili.triage.evaluation import Metrics, evaluate_split

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


@dataclass
class TrainResult:
    kind: str
    version: str
    path: Path
    n: int
    metrics: Metrics | None
    seconds: float


def train_from_frames(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    kind: str,
    root: Path,
    source: dict[str, Any] | None = None,
    holdout: float = 0.2,
    seed: int = DEFAULT_SEED,
    config: ModelConfig | None = None,
    activate: bool = True,
) -> TrainResult:
    """Fit on all rows and save a new version of ``kind`` under ``root``.

    With ``holdout`` > 0, a model is first fitted on a stratified split and scored on the rest;
    those numbers go into meta.json (the stored model itself is refitted on everything).
    ``source`` describes where the rows came from (files, row counts …) for meta.json.
    """
    model_store.check_kind(kind)
    started = time.perf_counter()
    texts, labels, removed = deduplicate(texts, labels)
    if len(set(labels)) < 2:
        raise ValidationFailed("训练数据至少需要两个类别。", field="label_column")
    config = config or ModelConfig()
    metrics = evaluate_split(texts, labels, holdout, seed, config) if holdout > 0 else None
    model = TextClassifier(config).fit(texts, labels)
    summary = dict(source or {})
    summary["duplicates_removed"] = int(summary.get("duplicates_removed", 0)) + removed
    summary["rows_used"] = len(texts)
    summary["class_counts"] = dict(Counter(labels).most_common())
    meta = {
        "model": {"type": "TextClassifier", "config": asdict(config), "features": model.features.size},
        "labels": model.labels,
        "training": summary,
        "metrics": metrics.as_dict() if metrics else None,
    }
    version = model_store.save_model(root, kind, model, meta, activate=activate)
    return TrainResult(
        kind, version, Path(root) / kind / version, len(texts), metrics, time.perf_counter() - started
    )


def train_from_files(
    paths: Sequence[Path],
    *,
    kind: str,
    root: Path,
    text_columns: Sequence[str] = ("title", "body"),
    label_column: str = "label",
    holdout: float = 0.2,
    seed: int = DEFAULT_SEED,
    activate: bool = True,
) -> TrainResult:
    model_store.check_kind(kind)
    data = load_labelled(paths, text_columns, label_column)
    return train_from_frames(
        data.texts,
        data.labels,
        kind=kind,
        root=root,
        source=data.summary(),
        holdout=holdout,
        seed=seed,
        activate=activate,
    )


MIN_PER_CLASS_FOR_HOLDOUT = 5


def train_from_db(
    session: Session,
    *,
    root: Path,
    holdout: float = 0.2,
    seed: int = DEFAULT_SEED,
    activate: bool = True,
) -> TrainResult:
    """Category model from closed cases, dispatcher overrides winning (see :mod:`from_db`).

    The hold-out evaluation is skipped when a class has too few rows for a stratified split.
    """
    from zhili.triage.from_db import history

    data = history(session)
    if not data.texts:
        raise ValidationFailed("数据库中还没有可用于训练的已办结诉求或调度员改派记录。", field="from_db")
    counts = Counter(data.labels)
    if len(counts) < 2:
        only = next(iter(counts))
        raise ValidationFailed(
            f"数据库中的训练数据只有一个类别（“{only}”），至少需要两个类别。", field="from_db"
        )
    if min(counts.values()) < MIN_PER_CLASS_FOR_HOLDOUT:
        holdout = 0.0
    return train_from_frames(
        data.texts,
        data.labels,
        kind="category",
        root=root,
        source=data.summary(),
        holdout=holdout,
        seed=seed,
        activate=activate,
    )
