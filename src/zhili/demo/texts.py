"""Synthetic demand texts: a finite vocabulary of titles and descriptions per category × keyword ×
tone, so that 20 million rows cost index arithmetic, not string building."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from zhili.analytics.text import sentiment
from zhili.demo.profile import leaf_categories

MAX_KEYWORDS = 8
TITLES = ("{kw}问题", "反映{kw}", "{kw}，请尽快处理", "关于{name}：{kw}", "{kw}影响居民生活")
PLACES = ("小区内", "楼下", "附近", "路口", "院内")
# (opening, ask) per tone: strongly negative, negative, neutral, positive.
TONES = (
    (
        "{place}{kw}的情况已持续很久，多次反映一直没解决，居民强烈不满，难以忍受",
        "请相关部门立即处理并给出答复",
    ),
    ("{place}存在{kw}问题，影响休息和出行，很担心", "希望尽快派人查看处理"),
    ("想咨询{place}{kw}相关事宜，{name}方面的具体规定是什么", "请告知办理流程"),
    ("{place}{kw}问题此前已经处理，工作人员很负责", "感谢相关部门及时解决，表扬工作人员"),
)
TONE_SHARE = np.array([0.18, 0.55, 0.22, 0.05])
PRAISE_TONE = np.array([0.0, 0.0, 0.1, 0.9])


@dataclass(frozen=True)
class Vocabulary:
    titles: list[str]  # index: (category * MAX_KEYWORDS + keyword) * len(TITLES) + template
    descriptions: list[str]  # index: ((category * MAX_KEYWORDS + keyword) * tones + tone) * places + place
    keywords: list[str]  # index: category * MAX_KEYWORDS + keyword
    keyword_count: NDArray[np.int64]  # per category
    description_sentiment: NDArray[np.float32]


@cache
def vocabulary() -> Vocabulary:
    titles: list[str] = []
    descriptions: list[str] = []
    keywords: list[str] = []
    cats = leaf_categories()
    for cat in cats:
        for k in range(MAX_KEYWORDS):
            kw = cat.keywords[k % len(cat.keywords)]
            keywords.append(kw)
            titles += [t.format(kw=kw, name=cat.name) for t in TITLES]
            for opening, ask in TONES:
                for place in PLACES:
                    descriptions.append(
                        f"市民反映：{opening.format(place=place, kw=kw, name=cat.name)}。{ask}。"
                    )
    scores = np.array([sentiment(text) for text in descriptions], dtype=np.float32)
    counts = np.array([min(len(c.keywords), MAX_KEYWORDS) for c in cats], dtype=np.int64)
    return Vocabulary(titles, descriptions, keywords, counts, scores)
