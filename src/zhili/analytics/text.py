"""Demand text for the store: scrubbing personal data, the matching keyword, and a sentiment score.

Scrubbing (``scrub``, from ``zhili.analytics.scrubbing``) removes names, phones, ID numbers, e-mail,
WeChat and QQ ids and room-level addresses; what is left is the demand itself.

Sentiment (社会心态) is a small lexicon scorer: each negative phrase counts -1 (strong ones -2), each
positive +1, with negated positives (不满意, 不及时) counted as negative; the score is
(positive - negative) / (positive + negative), 0 when no phrase matches, so it lies in [-1, 1].
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zhili.analytics.scrubbing import scrub

__all__ = ["best_keyword", "scrub", "sentiment"]


NEGATIVE = (
    "扰民",
    "严重",
    "无人管",
    "没人管",
    "不满",
    "失望",
    "愤怒",
    "气愤",
    "危险",
    "恶劣",
    "拖延",
    "推诿",
    "投诉无果",
    "一直没解决",
    "至今未解决",
    "太差",
    "很差",
    "影响休息",
    "无法入睡",
    "臭",
    "脏乱",
    "漏水",
    "不热",
    "冰冷",
    "停电",
    "停水",
    "拖欠",
    "乱收费",
    "堵",
    "焦虑",
    "担心",
    "害怕",
    "反复",
    "多次反映",
)
STRONG_NEGATIVE = ("难以忍受", "强烈不满", "忍无可忍", "极其恶劣", "投诉多次", "严重影响")
POSITIVE = (
    "感谢",
    "满意",
    "及时",
    "表扬",
    "辛苦",
    "点赞",
    "好评",
    "已解决",
    "热情",
    "耐心",
    "负责",
    "希望",
    "建议",
)
NEGATED_POSITIVE = ("不满意", "不及时", "不负责", "不耐心", "不热情", "没有解决", "未解决")


def _weights() -> dict[str, float]:
    weights = {p: 1.0 for p in POSITIVE}
    weights.update({p: -1.0 for p in NEGATIVE})
    weights.update({p: -2.0 for p in STRONG_NEGATIVE})
    weights.update({p: -1.0 for p in NEGATED_POSITIVE})
    return weights


_WEIGHTS = _weights()
# Longest phrases first, so that 不满意 is taken before 满意 and 强烈不满 before 不满.
_PHRASES = re.compile("|".join(re.escape(p) for p in sorted(_WEIGHTS, key=len, reverse=True)))


def sentiment(text: str | None) -> float:
    if not text:
        return 0.0
    positive = negative = 0.0
    for phrase in _PHRASES.findall(text):
        weight = _WEIGHTS[phrase]
        if weight > 0:
            positive += weight
        else:
            negative -= weight
    total = positive + negative
    return 0.0 if total == 0 else round((positive - negative) / total, 4)


def best_keyword(text: str | None, keywords: Iterable[str]) -> str | None:
    """The longest of ``keywords`` found in the text (ties: the earliest in the list)."""
    if not text:
        return None
    best: str | None = None
    for word in keywords:
        if word and word in text and (best is None or len(word) > len(best)):
            best = word
    return best
