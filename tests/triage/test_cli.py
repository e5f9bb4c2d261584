"""`zhili triage` as a user runs it: real processes on real files."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from zhili.triage import model_store
from zhili.triage.cli import app

TRIAGE = [sys.executable, "-m", "zhili.triage.cli"]


def run(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "ZHILI_DATA_DIR": str(data_dir), "ZHILI_ENVIRONMENT": "test", "COLUMNS": "200"}
    return subprocess.run(TRIAGE + args, capture_output=True, text=True, env=environ, timeout=300)


def test_every_command_has_chinese_help(tmp_path: Path) -> None:
    assert app.info.help and "分类" in app.info.help
    names = set()
    for command in app.registered_commands:
        assert (command.callback.__doc__ or "").strip(), command.name
        names.add(command.name or command.callback.__name__)
    assert {"train", "evaluate", "predict", "models", "activate"} <= names
    result = run(["evaluate", "--help"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "macro-F1" in result.stdout and "--cv" in result.stdout and "--json" in result.stdout


def test_predict_before_any_training_uses_the_taxonomy_keywords(tmp_path: Path) -> None:
    result = run(["predict", "家里停水三天了"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "冷启动" in lines[0]
    assert lines[1].startswith("1. 水电气热")
    assert len([line for line in lines if line[:2] in ("1.", "2.", "3.")]) == 3


def test_train_predict_evaluate_and_switch_versions(tmp_path: Path, sample_csv: Path) -> None:
    trained = run(["train", "--data", str(sample_csv), "--holdout", "0.25"], tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert "训练完成" in trained.stdout and "留出评估" in trained.stdout
    root = tmp_path / "models"  # <ZHILI_DATA_DIR>/models by default
    first = model_store.active_version(root, "category")
    assert first is not None and first in trained.stdout
    meta = json.loads((root / "category" / first / "meta.json").read_text(encoding="utf-8"))
    source = meta["training"]["files"][0]
    assert source["sha256"] == hashlib.sha256(sample_csv.read_bytes()).hexdigest()
    assert source["rows"] == source["used"] == 24 and meta["metrics"]["n"] == 6

    predicted = run(["predict", "公司拖欠工资三个月", "--json"], tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    answer = json.loads(predicted.stdout)
    assert answer["model"] == first
    assert answer["top"][0][0] == "劳动和社会保障"
    probabilities = [p for _, p in answer["top"]]
    assert len(probabilities) == 3 and probabilities == sorted(probabilities, reverse=True)
    assert sum(probabilities) <= 1.0001

    other_dir = tmp_path / "elsewhere"
    second = run(
        ["train", "--data", str(sample_csv), "--model-dir", str(other_dir), "--holdout", "0"], tmp_path
    )
    assert second.returncode == 0, second.stderr
    assert model_store.active_version(other_dir, "category") is not None
    assert model_store.list_versions(root, "category")[0]["version"] == first  # untouched

    evaluated = run(["evaluate", "--data", str(sample_csv), "--cv", "3", "--json"], tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    last = json.loads(evaluated.stdout.strip().splitlines()[-1])
    assert set(last) == {"macro_f1", "accuracy", "n"} and last["n"] == 24
    assert "混淆矩阵" in evaluated.stdout and "3 折分层交叉验证" in evaluated.stdout

    split = run(["evaluate", "--data", str(sample_csv), "--split", "0.25", "--json"], tmp_path)
    assert split.returncode == 0, split.stderr
    assert json.loads(split.stdout.strip().splitlines()[-1])["n"] == 6

    stored = run(["evaluate", "--data", str(sample_csv), "--active", "--json"], tmp_path)
    assert stored.returncode == 0, stored.stderr
    assert json.loads(stored.stdout.strip().splitlines()[-1])["accuracy"] == 1.0  # its own training data

    again = run(["train", "--data", str(sample_csv), "--holdout", "0", "--no-activate"], tmp_path)
    assert again.returncode == 0, again.stderr
    versions = [m["version"] for m in model_store.list_versions(root, "category")]
    assert len(versions) == 2 and model_store.active_version(root, "category") == first
    listed = run(["models"], tmp_path)
    assert listed.returncode == 0 and all(v in listed.stdout for v in versions)
    switched = run(["activate", versions[1]], tmp_path)
    assert switched.returncode == 0, switched.stderr
    assert model_store.active_version(root, "category") == versions[1]
    unknown = run(["activate", "19990101T000000Z"], tmp_path)
    assert unknown.returncode == 1 and "没有找到" in unknown.stderr
    assert model_store.active_version(root, "category") == versions[1]


def test_bad_input_exits_with_a_chinese_message_and_writes_nothing(tmp_path: Path, sample_csv: Path) -> None:
    cases = [
        (["--label-column", "类别"], "缺少标签列“类别”"),
        (["--text-columns", "content"], "没有任何文本列"),
        (["--kind", "colour"], "未知的模型种类"),
    ]
    for extra, message in cases:
        result = run(["train", "--data", str(sample_csv), *extra], tmp_path)
        assert result.returncode == 1, (extra, result.stdout)
        assert message in result.stderr, (extra, result.stderr)
        assert "Traceback" not in result.stderr
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    empty = run(["evaluate", "--data", str(tmp_path / "empty.csv"), "--json"], tmp_path)
    assert empty.returncode == 1 and "是空的" in empty.stderr
    few = run(["evaluate", "--data", str(sample_csv), "--cv", "30"], tmp_path)
    assert few.returncode == 1 and "不能做 30 折交叉验证" in few.stderr
    conflicting = run(["evaluate", "--data", str(sample_csv), "--active", "--cv", "3"], tmp_path)
    assert conflicting.returncode == 1 and "不能同时使用" in conflicting.stderr
    blank = run(["predict", "  "], tmp_path)
    assert blank.returncode == 1 and "请输入要分类的诉求文本" in blank.stderr
    assert not (tmp_path / "models").exists()
