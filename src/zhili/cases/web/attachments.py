"""Photos attached to a case: checked (count, size, image type by content) before anything is written,
stored by content hash under ``<data_dir>/attachments``, and served only to staff who may read the case.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import FileResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases import repository
from zhili.cases.context import CaseContext
from zhili.cases.models import Attachment, Case
from zhili.cases.policy import CaseReader
from zhili.deps import DbSession
from zhili.errors import NotFound, ValidationFailed
from zhili.settings import Settings

router = APIRouter(include_in_schema=False)

MAX_PHOTOS = 3
# Magic numbers: the content decides the type, never the file name or the browser's claim.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass(frozen=True)
class Photo:
    filename: str
    content_type: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _image_type(data: bytes) -> str | None:
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photos(files: list[UploadFile], settings: Settings) -> list[Photo]:
    """Read and check every upload; the first problem is a 422 naming ``photos``."""
    chosen = [f for f in files if f.filename]
    if len(chosen) > MAX_PHOTOS:
        raise ValidationFailed(f"照片最多上传 {MAX_PHOTOS} 张", field="photos")
    limit = settings.max_upload_mb * 1024 * 1024
    photos = []
    for upload in chosen:
        data = upload.file.read(limit + 1)
        name = Path(upload.filename or "photo").name[-100:]
        if len(data) > limit:
            raise ValidationFailed(f"照片“{name}”超过 {settings.max_upload_mb} MB", field="photos")
        if not data:
            raise ValidationFailed(f"照片“{name}”是空文件", field="photos")
        kind = _image_type(data)
        if kind is None:
            raise ValidationFailed(f"“{name}”不是支持的图片（JPEG、PNG、GIF、WebP）", field="photos")
        photos.append(Photo(name, kind, data))
    return photos


def storage_dir(settings: Settings) -> Path:
    return Path(settings.data_dir) / "attachments"


def store_photos(
    session: Session, ctx: CaseContext, case: Case, photos: list[Photo], uploaded_by: str
) -> None:
    root = storage_dir(ctx.settings)
    for photo in photos:
        digest = photo.sha256
        key = f"{digest[:2]}/{digest}"
        path = root / key
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(photo.data)
            partial.replace(path)
        session.add(
            Attachment(
                case_id=case.id,
                filename=photo.filename,
                content_type=photo.content_type,
                size=len(photo.data),
                sha256=digest,
                storage_key=key,
                uploaded_by=uploaded_by,
                uploaded_at=ctx.now(),
            )
        )
    session.flush()


def attachments_of(session: Session, case_id: int) -> list[Attachment]:
    return list(
        session.execute(
            select(Attachment).where(Attachment.case_id == case_id).order_by(Attachment.id)
        ).scalars()
    )


@router.get("/cases/{code}/photos/{attachment_id}")
def photo(
    request: Request, code: str, attachment_id: int, session: DbSession, actor: CaseReader
) -> FileResponse:
    case = repository.get_readable(session, actor, code)
    found = session.get(Attachment, attachment_id)
    if found is None or found.case_id != case.id:
        raise NotFound("照片不存在")
    path = storage_dir(request.app.state.settings) / found.storage_key
    if not path.is_file():
        raise NotFound("照片文件已丢失，请联系管理员")
    return FileResponse(path, media_type=found.content_type)
