"""JSON routes: the jobs that failed after their last retry, and running one again."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Path, Request

from zhili.deps import DbSession
from zhili.jobs import failed
from zhili.jobs.policy import JobsAdmin
from zhili.jobs.schemas import FailedJobOut, FailedJobsOut, JobRetriedOut

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

JobId = Annotated[int, Path(ge=1, le=2**62)]


@router.get("/failed", response_model=FailedJobsOut)
def failed_jobs(session: DbSession, _admin: JobsAdmin) -> FailedJobsOut:
    jobs = [FailedJobOut(**asdict(job)) for job in failed.list_failed(session)]
    return FailedJobsOut(queue=failed.has_queue(session), jobs=jobs)


@router.post("/{job_id}/retry", response_model=JobRetriedOut)
def retry_job(job_id: JobId, request: Request, session: DbSession, admin: JobsAdmin) -> JobRetriedOut:
    job = failed.retry(session, request.app.state.settings, job_id, actor=admin.username)
    return JobRetriedOut(id=job.id, name=job.name, status="todo")
