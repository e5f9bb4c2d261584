"""Password hashing (argon2id), one-time passwords, and which new passwords are refused.

The rule follows NIST SP 800-63B: a minimum length and no composition rules; instead a password is
refused when it contains the account's own names, is a common password (zxcvbn's 30,000 most common,
plus the ones common in China), or is otherwise quick to guess (sequences, repetitions, keyboard
walks, words with a year), by zxcvbn's estimate.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
# 10^8 guesses: beyond an online attack, and slow against an offline one with argon2id.
MIN_GUESSES_LOG10 = 8.0
# What zxcvbn's lists (English) miss: passwords common in China, and words of this system.
COMMON_IN_CHINA = frozenset(
    {
        "woaini1314", "woaini520", "5201314", "1314520", "aini1314", "a123456", "qq123456", "abc123456",
        "123qwe", "1qaz2wsx", "zxcvbnm", "qwertyuiop", "iloveyou", "woaini", "wangyi", "baidu",
        "taobao", "weixin", "wechat", "123456abc", "a123456789", "asd123456", "zhang123", "li123456",
        "wang123456", "88888888", "66666666", "147258369", "159357", "521521", "caonima",
    }
)  # fmt: skip
CONTEXT_WORDS = ("zhili", "治理", "beijing", "12345", "admin", "hotline")


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist, so timing does not reveal
    usernames. Made at the first sign-in, not at import: argon2 is slow by design, and every
    server worker would pay for it while starting."""
    return _hasher.hash("zhili-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def one_time_password(length: int = 16) -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def password_problem(password: str, user_words: Iterable[str] = ()) -> str | None:
    """Why a new password is refused, in Chinese, or None when it is acceptable.

    ``user_words`` are the account's own names (user name, display name): a password containing one
    of them is refused.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符"
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"密码最多 {MAX_PASSWORD_LENGTH} 个字符"
    lowered = password.lower()
    words = [w.lower() for w in user_words if w and len(w) >= 3]
    if any(word in lowered for word in words):
        return "密码不能包含用户名或姓名"
    if lowered in COMMON_IN_CHINA or lowered.rstrip("0123456789!@#$%^&*.-_ ") in COMMON_IN_CHINA:
        return "这是常见密码，很容易被猜到，请换一个"
    estimate = zxcvbn(password, user_inputs=[*words, *CONTEXT_WORDS])
    if float(estimate["guesses_log10"]) < MIN_GUESSES_LOG10:
        return "密码太容易被猜到（常见密码、连续或重复的字符、单词或姓名加数字），请换一个更长、更少见的密码"
    return None
