"""``GET /work/intake/caller``: while the operator types the caller's number, the caller's demands of
the last 90 days with their states (``cases.callers``, by the phone's keyed digest; audited), and a
likely repeat flagged (same caller, similar text, open or closed recently: ``ZHILI_REPEAT_CALLER_SIMILARITY``
and ``ZHILI_REPEAT_CALLER_DAYS``) with 关联 and 重办 offered
instead of a demand unconnected to the first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from zhili.cases import callers
from zhili.cases.deps import CaseCtx
from zhili.cases.models import Case
from zhili.cases.policy import CallerLookup
from zhili.cases.states import FINAL_STATES, STATE_LABELS, CaseState
from zhili.deps import DbSession
from zhili.kernel.clock import as_aware
from zhili.triage import duplicates
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)


@dataclass
class Earlier:
    case: Case
    state_label: str
    similarity: float | None
    repeat: bool

    @property
    def reopenable(self) -> bool:
        return self.case.state in (CaseState.closed, CaseState.visited)


def _recent_enough(case: Case, now: datetime, days: int) -> bool:
    """Open, or closed at most ``days`` ago (``ZHILI_REPEAT_CALLER_DAYS``)."""
    if case.state not in FINAL_STATES:
        return True
    closed = case.closed_at or case.updated_at
    return closed is not None and as_aware(closed) >= as_aware(now) - timedelta(days=days)


@router.get("/work/intake/caller", response_class=HTMLResponse)
def caller_history(
    request: Request,
    session: DbSession,
    ctx: CaseCtx,
    actor: CallerLookup,
    phone: Annotated[str, Query(max_length=20)] = "",
    title: Annotated[str, Query(max_length=400)] = "",
    description: Annotated[str, Query(max_length=6000)] = "",
) -> HTMLResponse:
    if not callers.usable_phone(phone):
        return HTMLResponse("")
    cases = callers.recent_demands(session, ctx, actor, phone)
    # The same matter: text at least this similar (the sketch cosine), recent enough (settings).
    threshold, days = ctx.settings.repeat_caller_similarity, ctx.settings.repeat_caller_days
    mine = duplicates.signature(f"{title}\n{description}") if (title or description).strip() else None
    rows = []
    for case in cases:
        theirs = duplicates.signature(f"{case.title}\n{case.description}")
        score = duplicates.similarity(mine, theirs) if mine and theirs else None
        repeat = (
            score is not None
            and score >= threshold
            and case.state != CaseState.merged
            and _recent_enough(case, ctx.now(), days)
        )
        rows.append(Earlier(case, STATE_LABELS[case.state], score, repeat))
    rows.sort(key=lambda r: not r.repeat)  # a likely repeat first, then newest first
    context = {"rows": rows, "days": callers.HISTORY_DAYS, "repeat_days": days}
    return render(request, "work/_caller.html", context)
