"""Are the session secret and the personal-data key set, strong, and not a development value?"""

from __future__ import annotations

import base64
import binascii
import math
from collections import Counter

from zhili.ops.doctor.report import Check, failed, ok
from zhili.settings import DEFAULT_SECRET, MIN_SECRET_LENGTH, Settings

MIN_SECRET_BITS = 128  # estimated from the characters' spread; `zhili keys new-secret` gives ~350
# Words that only a hand-typed or copied example contains (six letters or more: a random key never
# contains one by chance).
EXAMPLE_WORDS = ("change-me", "changeme", "secret", "example", "password", "placeholder", "default")
MIN_DISTINCT_KEY_BYTES = 16  # 32 random bytes have ~30 distinct values; fewer than 16 is not random


def estimated_bits(value: str) -> float:
    """Shannon entropy of the value's characters times its length: a ceiling on its strength."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def secret_key(settings: Settings) -> Check:
    title = "会话签名密钥 ZHILI_SECRET_KEY"
    value = settings.secret_key
    if not value or value == DEFAULT_SECRET:
        return failed("secret-key", title, "未设置（仍是开发默认值 change-me）；生成：zhili keys new-secret")
    lowered = value.lower()
    if any(word in lowered for word in EXAMPLE_WORDS):
        return failed("secret-key", title, "像是示例或开发用的值；请用 zhili keys new-secret 生成")
    if len(value) < MIN_SECRET_LENGTH:
        return failed("secret-key", title, f"过短（{len(value)} 个字符，至少 {MIN_SECRET_LENGTH}）")
    bits = estimated_bits(value)
    if bits < MIN_SECRET_BITS:
        return failed("secret-key", title, f"随机性不足（约 {bits:.0f} 位，至少 {MIN_SECRET_BITS} 位）")
    return ok("secret-key", title, f"{len(value)} 个字符，约 {bits:.0f} 位")


def data_key(settings: Settings) -> Check:
    title = "个人信息加密密钥 ZHILI_DATA_KEY"
    value = settings.data_key
    if not value:
        return failed(
            "data-key", title, "未设置（将由会话密钥派生）；生成：zhili keys new-data-key，并离线保管"
        )
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return failed("data-key", title, "不是有效的 Base64")
    if len(raw) != 32:
        return failed("data-key", title, f"长度应为 32 字节，实为 {len(raw)} 字节")
    if len(set(raw)) < MIN_DISTINCT_KEY_BYTES:
        return failed("data-key", title, "不是随机生成的密钥（字节重复过多）")
    if value == settings.secret_key:
        return failed("data-key", title, "不得与会话签名密钥相同")
    return ok("data-key", title, "32 字节，已设置（备份不含此密钥，须另行保管）")
