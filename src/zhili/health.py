"""Liveness and readiness: ``/healthz`` answers without touching anything; ``/readyz`` runs the
checks of ``zhili.readiness`` and answers 503 with their reasons, in Chinese and as codes, when any
fails."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from zhili import __version__, readiness
from zhili.auth.policy import anyone

router = APIRouter(tags=["health"], dependencies=[anyone.depends])

Fact = int | float | str | list[str] | None


class HealthOut(BaseModel):
    status: str
    version: str


class ReadyCheckOut(BaseModel):
    ok: bool
    reason: str = Field(description="ok, or why not: unreachable, behind, stale, never_synced, error, …")
    message: str = Field(description="the same in Chinese")
    facts: dict[str, Fact] = Field(description="what the check found (versions, ages in seconds)")


class ReadyOut(BaseModel):
    status: str = Field(description="ok, or unavailable (503)")
    reasons: list[str] = Field(description="name:reason of each failed check; empty when ready")
    message: str = Field(description="在中文里说明为何未就绪；就绪时为“就绪”")
    checks: dict[str, ReadyCheckOut]


@router.get("/healthz", response_model=HealthOut)
def healthz() -> dict[str, str]:
    return {"status": "ok", "version": __version__}


@router.get("/readyz", response_model=ReadyOut, responses={503: {"model": ReadyOut}})
def readyz(request: Request) -> JSONResponse:
    results = readiness.run_all(request.app)
    failed = {name: check for name, check in results.items() if not check.ok}
    body = ReadyOut(
        status="unavailable" if failed else "ok",
        reasons=[f"{name}:{check.reason}" for name, check in failed.items()],
        message="；".join(check.message for check in failed.values()) if failed else "就绪",
        checks={name: ReadyCheckOut(**vars(check)) for name, check in results.items()},
    )
    return JSONResponse(body.model_dump(), status_code=503 if failed else 200)
