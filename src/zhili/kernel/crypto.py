"""Encryption of personal data at rest (AES-256-GCM) and keyed digests for lookups.

Names, phone numbers and ID numbers are stored only as ciphertext. A keyed digest (HMAC-SHA256)
of a normalised phone number lets zhili find repeat callers without storing the number in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "v1:"
NONCE_BYTES = 12


class PersonalDataCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the personal-data key must be 32 bytes")
        self._aead = AESGCM(key)
        self._mac_key = _derive(key, b"zhili-lookup-digest")

    def encrypt(self, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), None)
        return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        if not token:
            return None
        if not token.startswith(PREFIX):
            raise ValueError("unknown ciphertext format")
        raw = base64.urlsafe_b64decode(token[len(PREFIX) :])
        return self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None).decode("utf-8")

    def digest(self, value: str | None, purpose: str = "phone") -> str | None:
        """A keyed, stable digest of a normalised value, for equality lookups only."""
        if not value:
            return None
        normalised = normalise_phone(value) if purpose == "phone" else value.strip()
        message = f"{purpose}:{normalised}".encode()
        return hmac.digest(self._mac_key, message, "sha256").hex()[:40]  # one-shot: no HMAC object

    def token(self, purpose: str, subject: str) -> str:
        """An unguessable token bound to a subject (for example a self-service link for one case)."""
        mac = hmac.new(self._mac_key, f"token:{purpose}:{subject}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode("ascii")


def _derive(material: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)


def normalise_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def key_from_settings(data_key: str, secret_key: str) -> bytes:
    """The configured key (base64, 32 bytes), or one derived from the secret key outside production."""
    if data_key:
        key = base64.urlsafe_b64decode(data_key + "=" * (-len(data_key) % 4))
        if len(key) != 32:
            raise ValueError("ZHILI_DATA_KEY must be 32 bytes, base64-encoded")
        return key
    return _derive(secret_key.encode("utf-8"), b"zhili-personal-data")


def audit_key_from_settings(audit_key: str, secret_key: str) -> bytes:
    """The audit chain's HMAC key: ZHILI_AUDIT_KEY (base64, 32 bytes), or one derived from the secret key.

    Derived with its own label, so it is never the personal-data key, even when both come from the
    secret key.
    """
    if audit_key:
        key = base64.urlsafe_b64decode(audit_key + "=" * (-len(audit_key) % 4))
        if len(key) != 32:
            raise ValueError("ZHILI_AUDIT_KEY must be 32 bytes, base64-encoded")
        return key
    return _derive(secret_key.encode("utf-8"), b"zhili-audit-chain")


@lru_cache(maxsize=8)
def cipher_for(data_key: str, secret_key: str) -> PersonalDataCipher:
    return PersonalDataCipher(key_from_settings(data_key, secret_key))


def new_data_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")
