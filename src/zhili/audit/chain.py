"""The chain's key and hashes: HMAC-SHA256 under a key kept outside the database.

The key is ``ZHILI_AUDIT_KEY`` or, when that is empty, derived from ``ZHILI_SECRET_KEY`` (HKDF with its
own label). It is the process's key (``get_settings()``): the server, the CLI and the periodic anchor
all read the same environment. Whoever can change the database but not read that key cannot write an
entry, a head or an anchor that verifies.

Entries written before the key came in (scheme ``sha256``) keep their plain SHA-256 hash; the first
keyed entry after them covers the last one's hash, so they cannot be rewritten afterwards either.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC
from functools import lru_cache
from typing import Any

from zhili.kernel.clock import as_aware
from zhili.kernel.crypto import audit_key_from_settings
from zhili.settings import Settings, get_settings

LEGACY = "sha256"
KEYED_PREFIX = "hmac-sha256:"


def canonical(entry: Any, *, keyed: bool) -> bytes:
    """The bytes an entry's hash covers: every column but the hash, in a fixed form."""
    payload = {
        "seq": entry.seq,
        "at": as_aware(entry.at).astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "client_ip": entry.client_ip,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    if keyed:  # the scheme is covered too, so that an entry cannot be relabelled
        payload["scheme"] = entry.scheme
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def legacy_hash(entry: Any) -> str:
    return hashlib.sha256(canonical(entry, keyed=False)).hexdigest()


@dataclass(frozen=True)
class ChainKey:
    key: bytes
    kid: str

    @property
    def scheme(self) -> str:
        return KEYED_PREFIX + self.kid

    def _mac(self, purpose: bytes, message: bytes) -> str:
        return hmac.digest(self.key, purpose + b"\x00" + message, "sha256").hex()

    def entry_hash(self, entry: Any) -> str:
        return self._mac(b"entry", canonical(entry, keyed=True))

    def head_mac(self, seq: int, hash_: str) -> str:
        return self._mac(b"head", f"{seq}:{hash_}".encode())

    def anchor_mac(self, seq: int, hash_: str, at: str) -> str:
        return self._mac(b"anchor", f"{seq}:{hash_}:{at}".encode())


@lru_cache(maxsize=8)
def _chain_key(audit_key: str, secret_key: str) -> ChainKey:
    key = audit_key_from_settings(audit_key, secret_key)
    kid = hmac.digest(key, b"zhili-audit-key-id", "sha256").hex()[:8]
    return ChainKey(key, kid)


def chain_key(settings: Settings | None = None) -> ChainKey:
    settings = settings or get_settings()
    return _chain_key(settings.audit_key, settings.secret_key)


def entry_hash(entry: Any, key: ChainKey | None = None) -> str:
    """The hash an entry should carry under its own scheme (keyed ones under ``key``)."""
    if entry.scheme == LEGACY:
        return legacy_hash(entry)
    return (key or chain_key()).entry_hash(entry)
