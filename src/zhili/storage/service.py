"""Where uploaded files live: a small interface with a local-folder default.

Files are kept by content (``<sha256[:2]>/<sha256>``), written whole or not at all (a partial file is
renamed into place), and never overwritten: two uploads of one photo share one file. A deployment with
several app servers points ``ZHILI_DATA_DIR`` (or this store) at storage every node sees.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from zhili.settings import Settings
from zhili.storage.images import Photo


class FileStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store ``data`` and return its key (idempotent: the same bytes give the same key)."""
        ...

    def path(self, key: str) -> Path | None:
        """A local path to serve the file from, or None when it is missing."""
        ...


def stored(store: FileStore, photo: Photo, uploaded_by: str, uploaded_at: datetime) -> dict[str, Any]:
    """The columns every attachment table shares, with the photo put in ``store``."""
    return {
        "filename": photo.filename,
        "content_type": photo.content_type,
        "size": len(photo.data),
        "sha256": photo.sha256,
        "storage_key": store.put(photo.data),
        "uploaded_by": uploaded_by,
        "uploaded_at": uploaded_at,
    }


class LocalFileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def key_for(data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        return f"{digest[:2]}/{digest}"

    def put(self, data: bytes) -> str:
        key = self.key_for(data)
        path = self.root / key
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            partial.replace(path)
        return key

    def path(self, key: str) -> Path | None:
        if ".." in Path(key).parts:
            return None
        path = self.root / key
        return path if path.is_file() else None


def store_for(settings: Settings) -> FileStore:
    return LocalFileStore(Path(settings.data_dir) / "attachments")
