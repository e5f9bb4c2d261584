"""The administrator's page of failed background jobs (后台任务), with a retry button each."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from zhili.deps import DbSession
from zhili.jobs import failed
from zhili.jobs.policy import JobsAdmin
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, session: DbSession, _admin: JobsAdmin) -> HTMLResponse:
    context = {
        "jobs": failed.list_failed(session),
        "queue": failed.has_queue(session) and request.app.state.settings.jobs == "queue",
        "retried": request.query_params.get("retried"),
    }
    return render(request, "admin/jobs.html", context)


@router.post("/admin/jobs/{job_id}/retry")
def retry_job(
    job_id: Annotated[int, Path(ge=1, le=2**62)], request: Request, session: DbSession, admin: JobsAdmin
) -> Response:
    failed.retry(session, request.app.state.settings, job_id, actor=admin.username)
    return see_other(request, f"/admin/jobs?retried={job_id}")
