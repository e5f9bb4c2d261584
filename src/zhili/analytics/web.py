"""The analytics page: the volume trend, a district choropleth and an H3 heat map, 每月一题
candidates and 未诉先办 warnings, where leaders turn a warning into a proactive task.

The page reads through the same functions as the JSON API (``analytics.views``, ``warnings``,
``topics``, ``proactive``) and embeds the numbers for the ECharts it draws; the same permissions.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from zhili.analytics import proactive, topics, views, warnings
from zhili.analytics.filters import Reach, ViewFilter
from zhili.analytics.labels import Labels
from zhili.analytics.policy import AnalystActor, TaskAssigner, can_assign_tasks
from zhili.analytics.service import engine
from zhili.deps import DbSession, SettingsDep
from zhili.divisions.repository import latest_populations
from zhili.errors import ValidationFailed
from zhili.kernel.clock import local_today, utcnow
from zhili.web.templating import render, toast_trigger

router = APIRouter(include_in_schema=False)

TASK_DAYS = 14


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@router.get("/dash/analytics", response_class=HTMLResponse)
def analytics_page(
    request: Request,
    session: DbSession,
    settings: SettingsDep,
    actor: AnalystActor,
    date_from: date | None = None,
    date_to: date | None = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    as_of: date | None = None,
    resolution: Annotated[int, Query(ge=5, le=9)] = 7,
) -> HTMLResponse:
    e, reach, labels = engine(settings), Reach.of(actor), Labels(session)
    f = ViewFilter(date_from=date_from, date_to=date_to)
    today = local_today(settings.timezone)
    # Open on the latest period that has data, not on an empty today; the page says how fresh it is.
    latest = views.latest_day(e, reach)
    chosen_month = month or f"{latest or today:%Y-%m}"
    warning_day = as_of or latest or today
    volume = views.volume(e, labels, reach, f, "month", 500)
    districts = views.district_choropleth(e, labels, reach, f, partial(latest_populations, session))
    cells = views.hex_cells(e, reach, f, resolution, 2000)
    context = {
        "f": f,
        "month": chosen_month,
        "data_as_of": latest,
        "as_of": warning_day,
        "resolution": resolution,
        "volume": volume,
        "total": sum(int(v["count"]) for v in volume),
        "districts": districts,
        "candidates": topics.candidates(e, labels, reach, chosen_month, 20),
        "warnings": warnings.early_warnings(e, labels, reach, warning_day),
        "can_task": can_assign_tasks(actor),
        "due": today + timedelta(days=TASK_DAYS),
        "volume_json": _json([[v["key"], v["count"]] for v in volume]),
        "without_population": [d["label"] or d["key"] for d in districts if d["per_10k"] is None],
        "districts_json": _json(
            [{"name": d["label"], "value": d["count"], "per10k": d["per_10k"]} for d in districts]
        ),
        "cells_json": _json([[c["lng"], c["lat"], c["count"]] for c in cells]),
    }
    return render(request, "dash/analytics.html", context)


@router.post("/dash/analytics/warning-task", response_class=HTMLResponse)
async def warning_task(
    request: Request, session: DbSession, settings: SettingsDep, actor: TaskAssigner
) -> Response:
    """生成主动治理任务: the same service as ``POST /api/analytics/warnings/tasks``."""
    form = await request.form()
    street, category = str(form.get("street", "")), str(form.get("category", ""))
    as_of, due = _form_date(form.get("as_of"), "as_of"), _form_date(form.get("due"), "due")
    task = proactive.task_from_warning(
        session, engine(settings), actor, street=street, category=category, as_of=as_of,
        due=due, note=None, tz=settings.timezone, now=utcnow(),
    )  # fmt: skip
    out = proactive.describe(session, task)
    response = render(request, "dash/_task_done.html", {"task": out}, status=201)
    response.headers["HX-Trigger"] = toast_trigger("已生成主动治理任务")
    return response


def _form_date(value: Any, field: str) -> date:
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        raise ValidationFailed("日期格式应为 YYYY-MM-DD", field=field) from None
