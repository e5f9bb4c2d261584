"""API keys: random, shown once, stored as a SHA-256 digest (they carry enough entropy for it)."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "zk_"


def new_api_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_prefix(key: str) -> str:
    return key[:10]
