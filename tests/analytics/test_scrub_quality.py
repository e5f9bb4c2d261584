"""The analytics scrubber on labelled samples of invented demand texts, with floors on precision and
recall (``bench/scrubbing.py`` prints the same figures), and the failure of issue 16 item 22 as it was
found: a demand naming a contact beside a phone, a WeChat id, a QQ number and a flat reached the store
(and so the SQL console) with all of them."""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi import FastAPI

from support.cases import intake, staff
from zhili.analytics.store import Store
from zhili.analytics.sync import sync
from zhili.analytics.text import scrub
from zhili.db import Database
from zhili.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _bench_module(name: str) -> types.ModuleType:
    """``bench/<name>.py`` loaded by path: putting bench/ on sys.path would shadow tests' packages
    (bench/assessment.py against tests/assessment/)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


scrubbing = _bench_module("scrubbing")

SAMPLES = [
    ROOT / "tests" / "analytics" / "scrub_sample.txt",
    ROOT / "tests" / "analytics" / "scrub_holdout.txt",
]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_precision_and_recall_on_the_labelled_sample(sample: Path) -> None:
    messages = scrubbing.load_sample(sample)
    assert len(messages) >= 60 and sum(1 for m in messages if not m.spans) >= 20
    score = scrubbing.evaluate(scrub, messages)
    assert score.recall >= 0.95, "\n".join(score.misses)
    assert score.precision >= 0.9, "\n".join(score.false_alarms)


def test_the_sample_marks_are_read_as_written() -> None:
    [message] = scrubbing.load_sample_text("联系人⟦孙小红⟧⟦13698765432⟧，垃圾没人清运。")
    assert message.text == "联系人孙小红13698765432，垃圾没人清运。"
    assert [message.text[a:b] for a, b in message.spans] == ["孙小红", "13698765432"]


@pytest.mark.parametrize(
    ("text", "secrets", "kept"),
    [
        ("联系人孙小红13698765432", ["孙小红", "13698765432"], ["联系人"]),
        ("电话18612345670周建国，要求处理占道经营。", ["周建国", "18612345670"], ["占道经营"]),
        ("加我微信zhaoliqun88，发照片给你们。", ["zhaoliqun88"], ["微信", "照片"]),
        ("vx：qianzh2020", ["qianzh2020"], ["vx"]),
        ("我的QQ号是987654，请联系。", ["987654"], ["QQ"]),
        ("住在望京西园三区3号楼2单元501室，楼上漏水。", ["501", "2单元"], ["望京西园三区", "漏水"]),
        ("家住5-2-301室，暖气不热。", ["5-2-301"], ["暖气不热"]),
        ("小区5号楼前的路灯不亮。", [], ["小区5号楼前的路灯不亮。"]),
        ("孙河乡政府门口道路积水。", [], ["孙河乡政府门口道路积水。"]),
        ("拨打12345热线反映，地铁3号线施工噪音扰民。", [], ["12345热线", "3号线"]),
    ],
)
def test_what_is_scrubbed_and_what_stays(text: str, secrets: list[str], kept: list[str]) -> None:
    out = scrub(text) or ""
    for secret in secrets:
        assert secret not in out, out
    for word in kept:
        assert word in out, out


def _store_rows(store: Store) -> list[dict[str, Any]]:
    rel = duckdb.sql(f"SELECT * FROM read_parquet('{store.glob('cases')}', hive_partitioning = true)")
    return [dict(zip(rel.columns, r, strict=True)) for r in rel.fetchall()]


def test_contacts_ids_and_flats_never_reach_the_store(
    app: FastAPI, db: Database, settings: Settings, store: Store
) -> None:
    s = staff(app)
    described = (
        "楼上漏水，联系人孙小红13698765432，微信号：sunxh_1988，QQ：24681357，"
        "住在望京西园三区3号楼2单元501室。"
    )
    code = intake(s.operator, title="楼上漏水（联系人孙小红13698765432）", description=described)
    sync(db, settings, store, settle_seconds=0)
    [row] = [r for r in _store_rows(store) if r["code"] == code]
    text = f"{row['title']}{row['description']}"
    for secret in ("孙小红", "13698765432", "sunxh_1988", "24681357", "2单元501室"):
        assert secret not in text, text
    assert "漏水" in text and "望京西园三区" in text
