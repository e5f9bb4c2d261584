"""Triage fixtures: small hand-written demands (not real data) and file writers."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLES: dict[str, list[str]] = {
    "环境保护": [
        "小区旁边工厂排放废气，气味刺鼻",
        "河道里有人偷排污水，河水发黑发臭",
        "饭店油烟直排，熏得没法开窗",
        "工地晚上施工噪音太大，影响休息",
        "垃圾焚烧冒黑烟，空气污染严重",
        "化工厂废水排到河里，鱼都死了",
    ],
    "交通运输": [
        "公交车司机开车太猛，乘客摔倒",
        "出租车拒载还绕路多收钱",
        "路口红绿灯时间太短，行人过不去",
        "地铁站早高峰太拥挤，建议加车",
        "公交线路调整后上班很不方便",
        "网约车司机态度恶劣，乱收费",
    ],
    "教育文体": [
        "学校违规组织有偿补课，收取补课费",
        "幼儿园老师体罚孩子",
        "小学入学划片不合理，孩子上学太远",
        "体育馆长期不对外开放",
        "学校食堂饭菜质量差，学生吃不饱",
        "中学老师在外开辅导班",
    ],
    "劳动和社会保障": [
        "公司拖欠工资三个月不发",
        "单位不给缴纳社保和养老保险",
        "工伤认定拖了半年没有结果",
        "退休金一直没有调整",
        "老板不签劳动合同，随意辞退员工",
        "医保报销比例太低，看病负担重",
    ],
}


def texts_and_labels() -> tuple[list[str], list[str]]:
    texts = [t for items in SAMPLES.values() for t in items]
    labels = [label for label, items in SAMPLES.items() for _ in items]
    return texts, labels


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_sample_csv(path: Path) -> Path:
    """title,body,label: titles are the first half of each sample, bodies the rest."""
    texts, labels = texts_and_labels()
    rows = [[t[: len(t) // 2], t[len(t) // 2 :], label] for t, label in zip(texts, labels, strict=True)]
    return write_csv(path, ["title", "body", "label"], rows)


CsvWriter = Callable[..., Path]


@pytest.fixture
def samples() -> tuple[list[str], list[str]]:
    return texts_and_labels()


@pytest.fixture
def sample_csv(tmp_path: Path) -> Path:
    return write_sample_csv(tmp_path / "history.csv")


@pytest.fixture
def csv_writer(tmp_path: Path) -> CsvWriter:
    """Write ``rows`` under ``header`` to ``tmp_path/name``."""

    def write(name: str, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
        return write_csv(tmp_path / name, header, rows, encoding)

    return write


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"
