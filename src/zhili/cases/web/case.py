"""The case page (timeline, map, links, masked contact, the actions open to this user) and the one
form endpoint through which every workbench acts on a case: ``POST /cases/{code}/act/{action}``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases import flows, repository, reveal, views
from zhili.cases.attachments import attachments_of
from zhili.cases.deps import CaseCtx
from zhili.cases.lifecycle import service as lifecycle
from zhili.cases.lifecycle.transitions import RULES, ActionRule, Party
from zhili.cases.models import Case
from zhili.cases.policy import CaseReader
from zhili.cases.schemas import ActionIn, CaseOut
from zhili.cases.states import FINAL_STATES, SATISFACTION_LABELS
from zhili.cases.web import rows
from zhili.cases.web.common import (
    after_action,
    page_or_fragment,
    parse_model,
    safe_next,
    split_codes,
)
from zhili.cases.web.suggest import stored_duplicates
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.taxonomy.enums import CHANNEL_LABELS, DEMAND_TYPE_LABELS, URGENCY_LABELS
from zhili.triage.reply_quality import score_reply
from zhili.web.templating import render

router = APIRouter(include_in_schema=False)

# Actions the case page offers as forms (直接办结 starts from the intake page's knowledge answers).
PAGE_ACTIONS = tuple(name for name in RULES if name != "direct_close")
Text = Annotated[str, Form(max_length=6000)]
MIN_REPLY_FOR_HINT = 5
ASSIGNMENT_LABELS = {
    "called": "已吹哨，待报到",
    "checked_in": "已报到",
    "reported": "已反馈",
    "released": "已解除",
}
LINK_LABELS = {"merged": "重复合并", "related": "相关", "repeat": "重复来电"}
Short = Annotated[str, Form(max_length=200)]


def _open_duplicates(
    session: Session, actor: Actor, case: Case, detail: CaseOut, actions: list[ActionRule]
) -> list[dict[str, Any]]:
    """Possible duplicates triage found, for one-click 合并 on the case page: only when this actor
    may merge this case, only those still open and readable, not those already linked."""
    if not any(rule.name == "merge" for rule in actions):
        return []
    found = {d["code"]: d for d in stored_duplicates(session, case) if d.get("code") != case.code}
    if not found:
        return []
    readable = session.scalars(
        repository.readable_cases(actor).where(Case.code.in_(found), Case.state.not_in(FINAL_STATES))
    ).all()
    linked = {link.get("code") for link in detail.links or []} | {detail.merged_into}
    return [found[c.code] | {"title": c.title} for c in readable if c.code not in linked]


def _applies(name: str, case: Case) -> bool:
    """Whether an action makes sense for this case now, beyond its state (no 批准延期 with nothing
    pending, no second 申请延期 while one waits)."""
    if name in ("approve_extension", "deny_extension"):
        return case.extension_requested is not None
    if name == "request_extension":
        return case.extension_requested is None
    return True


def open_actions(session: Session, actor: Actor, case: Case) -> list[ActionRule]:
    """The actions this actor could take now (the service checks again when one is sent)."""
    co_unit = repository.is_co_unit(session, actor, case)
    rules = []
    for name in PAGE_ACTIONS:
        rule = RULES[name]
        if actor.role not in rule.roles or case.state not in rule.from_states:
            continue
        if rule.party == Party.lead_unit and (actor.unit_id is None or actor.unit_id != case.lead_unit_id):
            continue
        if rule.party == Party.co_unit and not co_unit:
            continue
        if not _applies(rule.name, case):
            continue
        rules.append(rule)
    return rules


@router.get("/cases/{code}", response_class=HTMLResponse)
def case_page(
    request: Request, code: str, session: DbSession, ctx: CaseCtx, actor: CaseReader
) -> HTMLResponse:
    case = repository.get_readable(session, actor, code)
    detail = views.detail(session, ctx, actor, case)
    actions = open_actions(session, actor, case)
    places = [
        division.name
        for code in (case.district_code, case.street_code, case.community_code)
        if code and (division := divisions.get(session, code)) is not None
    ]
    context: dict[str, Any] = {
        "c": detail,
        "places": places,
        "district_name": places[0] if places else None,
        "photos": attachments_of(session, case.id),
        "assignment_labels": ASSIGNMENT_LABELS,
        "link_labels": LINK_LABELS,
        "actions": actions,
        "type_label": DEMAND_TYPE_LABELS[case.demand_type],
        "urgency_label": URGENCY_LABELS[case.urgency],
        "channel_label": CHANNEL_LABELS[case.channel],
        "satisfaction_labels": {k.value: v for k, v in SATISFACTION_LABELS.items()},
        "next": f"/cases/{case.code}",
        "may_reveal": reveal.may_reveal(session, actor, case),
        "duplicates": _open_duplicates(session, actor, case, detail, actions),
    }
    return page_or_fragment(request, "work/case.html", "work/_case_body.html", context)


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@router.post("/cases/{code}/act/{action}")
def act_on_case(
    request: Request,
    code: str,
    action: str,
    session: DbSession,
    ctx: CaseCtx,
    actor: CaseReader,
    version: Short = "",
    note: Text = "",
    lead_unit: Short = "",
    co_units: Short = "",
    units: Short = "",
    complex_case: Short = "",
    reply: Text = "",
    reason: Text = "",
    extension: Short = "",
    contacted: Short = "",
    solved: Short = "",
    satisfaction: Short = "",
    comment: Text = "",
    target: Short = "",
    division: Short = "",
    address: Short = "",
    next: Short = "",
) -> Response:
    rule = lifecycle.rule_for(action)
    fields: dict[str, Any] = {
        "version": version or None,
        "note": note or None,
        "lead_unit": lead_unit.strip() or None,
        "co_units": split_codes(co_units),
        "units": split_codes(units),
        "complex_case": _flag(complex_case),
        "reply": reply or None,
        "reason": reason or None,
        "extension": extension.strip() or None,
        "contacted": _flag(contacted),
        "solved": _flag(solved),
        "satisfaction": satisfaction or None,
        "comment": comment or None,
        "target": target.strip().upper() or None,
        "division": division.strip() or None,
        "address": address.strip() or None,
    }
    body = parse_model(ActionIn, fields)
    flows.act(session, ctx, actor, code, action, body, source="web")
    target, message = safe_next(next, f"/cases/{code}"), f"{code}：{rule.label}已完成"
    # From a work-list row: that row in place (the list keeps its order); otherwise reload #work.
    in_place = rows.row_after_action(request, session, ctx, actor, code, target, message)
    return in_place or after_action(request, target, message)


@router.get("/cases/{code}/reply-hint", response_class=HTMLResponse)
def reply_hint(
    request: Request,
    code: str,
    session: DbSession,
    actor: CaseReader,
    reply: Annotated[str, Query(max_length=6000)] = "",
) -> HTMLResponse:
    """The reply-quality hint (zhili.triage) under the 反馈 form, while the unit writes its reply."""
    case = repository.get_readable(session, actor, code)
    if len(reply.strip()) < MIN_REPLY_FOR_HINT:
        return HTMLResponse("")
    score = score_reply(f"{case.title} {case.description}", reply)
    return render(request, "work/_reply_hint.html", {"score": score})
