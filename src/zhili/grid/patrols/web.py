"""The grid page: the map of the jurisdiction's cells (coloured by open cases, each linked to its
page), events found versus complaints received per cell, and a grid worker's 核查 tasks."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from zhili.community.forms import form_data, parse
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.grid.cells import map as grid_map
from zhili.grid.patrols import repository as patrols
from zhili.grid.patrols import service
from zhili.grid.patrols.api import resolution
from zhili.grid.patrols.models import RESULT_LABELS, TaskStatus
from zhili.grid.patrols.schemas import VerificationResultIn
from zhili.grid.policy import GridReader, GridWorker
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)


@router.get("/grid", response_class=HTMLResponse)
def grid_page(
    request: Request,
    session: DbSession,
    actor: GridReader,
    division: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    scope = actor.scope
    default = "11" if scope.everything else min(scope.division_codes, default="")
    chosen = division.strip() or default
    drawn = grid_map.build(session, actor, chosen, resolution(request)) if chosen else grid_map.GridMap(0)
    figures = patrols.figures(session, actor, chosen, resolution(request))[:50] if chosen else []
    tasks = patrols.tasks_for(session, actor.user_id) if actor.user_id else []
    named = {chosen, *(row.community_code for row in figures if row.community_code)}
    context = {
        "division": chosen,
        "names": divisions.names_of(session, {code for code in named if code}),
        "districts": divisions.children(session, chosen) if drawn.too_many else [],
        "cells_total": drawn.total,
        "map": drawn,
        "figures": figures,
        "tasks": tasks,
        "result_labels": {r.value: label for r, label in RESULT_LABELS.items()},
        "pending": TaskStatus.pending,
    }
    return render(request, "grid/grid.html", context)


@router.post("/grid/verifications/{task_id}/result")
async def verification_result(
    request: Request, task_id: int, session: DbSession, actor: GridWorker
) -> Response:
    body = parse(VerificationResultIn, await form_data(request))
    service.complete_verification(session, actor, task_id, body.result, body.note)
    return see_other(request, "/grid")
