"""Versioned model files, the active pointer, and switching models without a restart."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zhili.errors import NotFound, ValidationFailed
from zhili.triage import model_store
from zhili.triage.classifier import KeywordClassifier, TextClassifier
from zhili.triage.training import train_from_frames


def _train(models_dir: Path, texts: list[str], labels: list[str], activate: bool = True) -> str:
    result = train_from_frames(texts, labels, kind="category", root=models_dir, holdout=0, activate=activate)
    return result.version


def test_without_any_model_the_cold_start_answers(tmp_path: Path) -> None:
    category = model_store.load_active(tmp_path, "category")
    assert isinstance(category, KeywordClassifier)
    assert category.top_k("家里停水三天了")[0][0] == "水电气热"
    demand_type = model_store.load_active(tmp_path, "demand_type")
    assert demand_type.top_k("我要投诉噪音扰民")[0][0] == "投诉"
    assert not (tmp_path / "models").exists()  # reading never creates anything
    with pytest.raises(ValidationFailed, match="未知的模型种类"):
        model_store.load_active(tmp_path, "colour")


def test_training_writes_a_version_with_meta_and_activates_it(
    models_dir: Path, samples: tuple[list[str], list[str]]
) -> None:
    texts, labels = samples
    result = train_from_frames(
        [*texts, texts[0]],  # one duplicate row
        [*labels, labels[0]],
        kind="category",
        root=models_dir,
        source={"files": [{"path": "history.csv", "rows": 25, "used": 25}]},
        holdout=0.25,
    )
    folder = models_dir / "category" / result.version
    assert sorted(p.name for p in folder.iterdir()) == ["meta.json", "model.joblib"]
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["kind"] == "category" and meta["version"] == result.version
    assert meta["labels"] == sorted(set(labels))
    training = meta["training"]
    assert training["files"][0]["rows"] == 25
    assert training["duplicates_removed"] == 1
    assert training["rows_used"] == len(texts)
    assert training["class_counts"] == {label: 6 for label in sorted(set(labels))}
    assert meta["metrics"]["n"] == 6 and 0 <= meta["metrics"]["macro_f1"] <= 1
    assert meta["model"]["type"] == "TextClassifier" and meta["model"]["features"] > 0
    assert model_store.active_version(models_dir, "category") == result.version
    loaded = model_store.load_active_from(models_dir, "category")
    assert isinstance(loaded, TextClassifier)
    assert loaded.top_k("公司拖欠工资")[0][0] == "劳动和社会保障"
    assert model_store.active_version(models_dir, "demand_type") is None


def test_versions_accumulate_and_any_one_can_be_activated(
    models_dir: Path, samples: tuple[list[str], list[str]]
) -> None:
    texts, labels = samples
    first = _train(models_dir, texts, labels)
    renamed = [label.replace("交通运输", "交通出行") for label in labels]
    second = _train(models_dir, texts, renamed)
    third = _train(models_dir, texts, labels, activate=False)
    assert len({first, second, third}) == 3
    assert [m["version"] for m in model_store.list_versions(models_dir, "category")] == sorted(
        [first, second, third]
    )
    assert model_store.active_version(models_dir, "category") == second  # --no-activate kept it
    assert "交通出行" in model_store.load_active_from(models_dir, "category").labels
    model_store.activate_version(models_dir, "category", first)
    assert "交通运输" in model_store.load_active_from(models_dir, "category").labels
    with pytest.raises(NotFound, match="没有找到"):
        model_store.activate_version(models_dir, "category", "20990101T000000Z")
    assert model_store.active_version(models_dir, "category") == first  # a failed switch changes nothing


def test_active_model_switches_without_a_restart(
    models_dir: Path, samples: tuple[list[str], list[str]]
) -> None:
    texts, labels = samples
    active = model_store.ActiveModel(models_dir, "category")
    assert isinstance(active.get(), KeywordClassifier)  # nothing trained yet
    first = _train(models_dir, texts, labels)
    current = active.get()
    assert isinstance(current, TextClassifier) and "交通运输" in current.labels
    assert active.get() is current  # unchanged pointer: the same object, no reload
    second = _train(models_dir, texts, [label.replace("交通运输", "交通出行") for label in labels])
    switched = active.get()
    assert switched is not current and "交通出行" in switched.labels
    model_store.activate_version(models_dir, "category", first)
    assert "交通运输" in active.get().labels
    assert second != first


def test_an_unreadable_active_model_falls_back_to_keywords(
    models_dir: Path, samples: tuple[list[str], list[str]]
) -> None:
    texts, labels = samples
    version = _train(models_dir, texts, labels)
    (models_dir / "category" / version / "model.joblib").write_bytes(b"not a model")
    assert isinstance(model_store.load_active_from(models_dir, "category"), KeywordClassifier)
    with pytest.raises(NotFound):
        model_store.load_version(models_dir, "category", "missing")
