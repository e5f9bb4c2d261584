"""The context of a suggestion request: settings, the personal-data cipher and the clock."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from zhili.cases.context import CaseContext


async def suggestion_context(request: Request) -> CaseContext:
    return CaseContext.for_settings(request.app.state.settings)


SuggestionCtx = Annotated[CaseContext, Depends(suggestion_context)]
