"""Picker matching: Chinese names, pinyin initials ("wj" → 望京) and codes, best match first."""

from __future__ import annotations

from zhili.kernel.picker import Candidate, initials, pick

UNITS = [
    Candidate("S110105026", "望京街道办事处", "街道/乡镇"),
    Candidate("S110105011", "酒仙桥街道办事处", "街道/乡镇"),
    Candidate("D110105-housing", "朝阳区住房和城乡建设委员会", "区级部门"),
]


def test_initials_of_a_chinese_name() -> None:
    assert initials("望京街道办事处") == "wjjdbsc"
    assert initials("朝阳区12345") == "cyq12345"


def test_pinyin_initials_find_the_name() -> None:
    assert [o.code for o in pick("wj", UNITS).options] == ["S110105026"]
    assert [o.code for o in pick("WJ", UNITS).options] == ["S110105026"]
    assert [o.code for o in pick("jxq", UNITS).options] == ["S110105011"]


def test_chinese_words_and_codes_match() -> None:
    assert [o.code for o in pick("望京", UNITS).options] == ["S110105026"]
    assert [o.code for o in pick("住房", UNITS).options] == ["D110105-housing"]
    assert [o.code for o in pick("d110105-h", UNITS).options] == ["D110105-housing"]
    assert pick("S110105026", UNITS).options[0].name == "望京街道办事处"


def test_nothing_matches_nonsense_and_the_limit_holds() -> None:
    assert pick("zzzz", UNITS).options == []
    many = [Candidate(f"C{i}", f"社区{i}") for i in range(50)]
    assert len(pick("", many).options) == 12
    assert len(pick("sq", many, limit=5).options) == 5
