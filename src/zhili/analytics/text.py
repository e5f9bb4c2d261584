"""Demand text for the store: scrubbing personal data, the matching keyword, and a sentiment score.

Scrubbing (``scrub``) removes, in this order: the case's own citizen name, phone and ID number wherever
they occur; ID-number, mobile, landline and e-mail patterns, and any other run of seven or more digits
(a number cut short); names introduced by 我叫/姓名/联系人 and
the like; a surname followed by 先生/女士/师傅/阿姨… . What is left is the demand itself.

Sentiment (社会心态) is a small lexicon scorer: each negative phrase counts -1 (strong ones -2), each
positive +1, with negated positives (不满意, 不及时) counted as negative; the score is
(positive - negative) / (positive + negative), 0 when no phrase matches, so it lies in [-1, 1].
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:0\d{2,3}[- ]?)?[2-9]\d{6,7}(?!\d)")
# Any other run of 7 or more digits (spaces or dashes between them allowed), such as a number cut short
# in a title: treated as a possible phone or ID fragment.
LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z])(?:\d[ \-]?){6,}\d[Xx]?(?![0-9A-Za-z])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
INTRODUCED_NAME = re.compile(
    r"(我叫|我是|本人|姓名|名字|联系人|报案人|市民|来电人)([:：\s]*)([\u4e00-\u9fa5·]{2,4}?)(?=[，,。.；;、\s]|先生|女士|$)"
)
TITLED_NAME = re.compile(r"[\u4e00-\u9fa5]{1,2}(先生|女士|小姐|师傅|阿姨|大爷|大妈|老师)")

MASK = "＊"

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


def scrub(text: str | None, known: Iterable[str | None] = ()) -> str | None:
    """The text without personal data; ``known`` are the case's own name, phone and ID number."""
    if not text:
        return text
    for value in known:
        if value and len(value) >= 2:
            text = text.replace(value, MASK * 2)
    text = ID_NUMBER.sub("[证件号]", text)
    text = MOBILE.sub("[电话]", text)
    text = EMAIL.sub("[邮箱]", text)
    text = LANDLINE.sub("[电话]", text)
    text = LONG_DIGITS.sub("[号码]", text)
    text = INTRODUCED_NAME.sub(lambda m: m.group(1) + m.group(2) + MASK * 2, text)
    return TITLED_NAME.sub(lambda m: "某" + m.group(1), text)


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
