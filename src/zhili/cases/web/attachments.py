"""A case's photos, served only to staff who may read the case."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse

from zhili.cases import repository
from zhili.cases.models import Attachment
from zhili.cases.policy import CaseReader
from zhili.deps import DbSession
from zhili.errors import NotFound
from zhili.storage.service import store_for

router = APIRouter(include_in_schema=False)


@router.get("/cases/{code}/photos/{attachment_id}")
def photo(
    request: Request, code: str, attachment_id: int, session: DbSession, actor: CaseReader
) -> FileResponse:
    case = repository.get_readable(session, actor, code)
    found = session.get(Attachment, attachment_id)
    if found is None or found.case_id != case.id:
        raise NotFound("照片不存在")
    path = store_for(request.app.state.settings).path(found.storage_key)
    if path is None:
        raise NotFound("照片文件已丢失，请联系管理员")
    return FileResponse(path, media_type=found.content_type)
