"""The CaseContext for a request: settings, cipher and the shared location resolver."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.cases.context import CaseContext
from zhili.divisions.deps import DivisionResolver
from zhili.settings import Settings


async def case_context(request: Request, resolver: DivisionResolver) -> CaseContext:
    settings: Settings = request.app.state.settings
    return CaseContext.for_settings(settings, resolver)


CaseCtx = Annotated[CaseContext, Depends(case_context)]
