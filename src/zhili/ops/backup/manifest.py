"""The manifest of a backup archive: what it holds, from which versions, and every file's checksum.

It names no secret. ``data_key_check`` is a keyed digest of a fixed text (an HMAC under the data
key), from which the key cannot be recovered; a restore compares it with the configured key's to
say whether the personal data will be readable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from zhili.errors import ValidationFailed
from zhili.kernel.crypto import PersonalDataCipher, key_from_settings
from zhili.settings import Settings

FORMAT = "zhili-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1 << 20


@dataclass
class Manifest:
    created_at: str
    zhili_version: str
    backend: str  # postgresql | sqlite
    database_version: str
    tool_version: str  # pg_dump's, or the SQLite library's
    schema: str | None  # PostgreSQL schema dumped (objects are restored into the same name)
    migration_head: list[str]
    counts: dict[str, int]  # rows per table at the moment of the dump
    data_key_check: str
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # path → {sha256, bytes}
    format: str = FORMAT

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, payload: bytes) -> Manifest:
        data = json.loads(payload)
        if data.get("format") != FORMAT:
            raise ValidationFailed(f"不是 zhili 备份或格式不受支持（{data.get('format')!r}）")
        return cls(**data)

    def add_file(self, name: str, path: Path) -> None:
        self.files[name] = {"sha256": sha256(path), "bytes": path.stat().st_size}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def key_check(settings: Settings) -> str:
    cipher = PersonalDataCipher(key_from_settings(settings.data_key, settings.secret_key))
    return cipher.digest("zhili-backup", purpose="key-check") or ""
