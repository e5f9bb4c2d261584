"""JSON shapes of the failed-jobs list."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class FailedJobOut(BaseModel):
    id: int
    name: str = Field(description="The job's name in the queue, e.g. deadline_sweep")
    label: str = Field(description="What the job does, in Chinese")
    attempts: int = Field(description="Runs that failed, the last one included")
    failed_at: datetime | None


class FailedJobsOut(BaseModel):
    queue: bool = Field(description="Whether a job queue is in use (ZHILI_JOBS=queue on PostgreSQL)")
    jobs: list[FailedJobOut]


class JobRetriedOut(BaseModel):
    id: int
    name: str
    status: str = Field(description="todo: back in the queue, to run now")
