"""Photos checked before anything is written: how many, how large, and an image by its content."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from zhili.errors import ValidationFailed

MAX_PHOTOS = 3
# Magic numbers: the content decides the type, never the file name or the browser's claim.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class Upload(Protocol):
    """What a surface hands over: FastAPI's ``UploadFile`` is one."""

    @property
    def filename(self) -> str | None: ...
    @property
    def file(self) -> BinaryIO: ...


@dataclass(frozen=True)
class Photo:
    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def image_type(data: bytes) -> str | None:
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photos(files: Sequence[Upload], max_mb: int, field: str = "photos") -> list[Photo]:
    """Read and check every upload; the first problem is a 422 naming ``field``."""
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_PHOTOS:
        raise ValidationFailed(f"照片最多上传 {MAX_PHOTOS} 张", field=field)
    limit = max_mb * 1024 * 1024
    photos = []
    for upload in chosen:
        data = upload.file.read(limit + 1)
        name = Path(upload.filename or "photo").name[-100:]
        if len(data) > limit:
            raise ValidationFailed(f"照片“{name}”超过 {max_mb} MB", field=field)
        if not data:
            raise ValidationFailed(f"照片“{name}”是空文件", field=field)
        kind = image_type(data)
        if kind is None:
            raise ValidationFailed(f"“{name}”不是支持的图片（JPEG、PNG、GIF、WebP）", field=field)
        photos.append(Photo(name, kind, data))
    return photos
