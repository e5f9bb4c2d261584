"""The context of a mediation request: settings, the personal-data cipher and the clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.cases.context import CaseContext


async def mediation_context(request: Request) -> CaseContext:
    return CaseContext.for_settings(request.app.state.settings)


MediationCtx = Annotated[CaseContext, Depends(mediation_context)]
