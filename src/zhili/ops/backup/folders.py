"""The folders a backup carries beside the database: the analytics store, attachments and models.

Temporary and lock files (names starting with a dot) are left out; the store's ``_state.json`` (the
sync's high-water mark) is kept, so that a restored store syncs on from where the backup stood. The
early warnings the store keeps (``_warnings/``) are left out too: they are worked out again on the
first ask, and a server may write or remove one while the archive is made, outside the store's lock.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

from zhili.analytics import warning_cache
from zhili.errors import Conflict
from zhili.settings import Settings


def folders(settings: Settings) -> dict[str, Path]:
    """Archive name → folder on this machine."""
    return {
        "analytics": Path(settings.resolved_analytics_dir),
        "attachments": Path(settings.data_dir) / "attachments",
        "models": Path(settings.data_dir) / "models",
    }


# Folders of what is worked out again from the rest on demand: never archived.
DERIVED = frozenset({warning_cache.FOLDER})


def files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(relative posix path, file) for every file kept from ``folder``."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if relative.parts[0] in DERIVED or any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file():
            yield relative.as_posix(), path


def is_empty(folder: Path) -> bool:
    return next(files(folder), None) is None


def put_in_place(extracted: Path, folder: Path, *, force: bool) -> None:
    """Move a restored folder into place; an existing non-empty one is replaced only with force."""
    if folder.exists():
        if not is_empty(folder) and not force:
            raise Conflict(f"目标目录非空：{folder}（确认覆盖请加 --force）")
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    if extracted.is_dir():
        shutil.move(str(extracted), str(folder))
    else:
        folder.mkdir()
