"""The home page: what the platform holds (divisions by level, units by kind) and the way in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from zhili.auth.deps import CurrentActor
from zhili.auth.policy import anyone
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.divisions.models import LEVEL_LABELS
from zhili.units import repository as units
from zhili.units.models import UNIT_KIND_LABELS
from zhili.web.assets import STATIC_DIR
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)
FAVICON = STATIC_DIR / "favicon.svg"


@router.get("/", response_class=HTMLResponse, dependencies=[anyone.depends])
def home(request: Request, session: DbSession, _: CurrentActor) -> HTMLResponse:
    level_counts = divisions.counts_by_level(session)
    kind_counts = units.counts_by_kind(session)
    return render(
        request,
        "home.html",
        {
            "divisions": [(label, level_counts.get(level, 0)) for level, label in LEVEL_LABELS.items()],
            "units": [(label, kind_counts.get(kind, 0)) for kind, label in UNIT_KIND_LABELS.items()],
            "unit_total": sum(kind_counts.values()),
        },
    )


@router.get("/favicon.ico", dependencies=[anyone.depends])
def favicon() -> Response:
    """Browsers ask for /favicon.ico before reading the page's icon link: answer, never a 404."""
    return Response(
        FAVICON.read_bytes(), media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )
