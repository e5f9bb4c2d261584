"""The one guarded lookup by code and phone tail, for every citizen-facing tracker (12345 demands,
信访件, 调解申请, 人民建议).

Wrong tails are counted per code, and a code with too many is locked for a while whatever the tail
(otherwise a 429 versus a 200 would reveal the answer), so four digits cannot be guessed even from
many addresses. The tail is compared in constant time; a record without a phone compares against a
value no tail equals. An unknown code and a wrong tail give the same 404.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from collections.abc import Callable
from typing import TypeVar

from zhili.errors import NotFound, ValidationFailed
from zhili.kernel.crypto import normalise_phone
from zhili.kernel.ratelimit import Limit, RateLimited, RateLimits

MAX_CODE_LENGTH = 24
TAIL_MESSAGE = "请填写登记电话号码的后四位数字"

T = TypeVar("T")


def clean_code(code: str) -> str:
    return code.strip().upper()[: MAX_CODE_LENGTH + 1]


def clean_tail(phone_tail: str | None) -> str:
    """Four ASCII digits (full-width digits are accepted), or 422 naming ``phone_tail``."""
    tail = unicodedata.normalize("NFKC", phone_tail or "").strip()
    if not re.fullmatch(r"[0-9]{4}", tail):
        raise ValidationFailed(TAIL_MESSAGE, field="phone_tail")
    return tail


def tail_matches(phone: str | None, tail: str) -> bool:
    digits = normalise_phone(phone) if phone else ""
    expected = digits[-4:] if len(digits) >= 4 else "----"
    return hmac.compare_digest(expected.encode(), tail.encode())


def guarded_lookup(
    code: str,
    phone_tail: str | None,
    limits: RateLimits,
    wrong_tails: Limit,
    find: Callable[[str], T | None],
    phone_of: Callable[[T], str | None],
    not_found: str,
    too_many: str,
) -> T:
    """The record ``find`` gives for the cleaned code, if ``phone_of`` it ends in the tail."""
    tail = clean_tail(phone_tail)
    key = clean_code(code)
    wait = limits.retry_after(wrong_tails, key)
    if wait is not None:
        raise RateLimited(wait, too_many)
    found = find(key) if key else None
    if found is None or not tail_matches(phone_of(found), tail):
        limits.add(wrong_tails, key)
        raise NotFound(not_found)
    return found
