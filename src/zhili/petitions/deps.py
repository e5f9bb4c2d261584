"""The context of a petition request: settings, the personal-data cipher and the clock (no resolver:
a petition names its place by division code)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.cases.context import CaseContext


async def petition_context(request: Request) -> CaseContext:
    return CaseContext.for_settings(request.app.state.settings)


PetitionCtx = Annotated[CaseContext, Depends(petition_context)]
