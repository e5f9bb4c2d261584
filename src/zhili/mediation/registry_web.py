"""Registry pages: the committees, mediators and 分流 rules in the reader's reach (names, Chinese
labels, places by name), and the keepers' forms to add, edit and deactivate each. Forms go through
``registry`` as the API does (same checks, same audit); a refused form comes back with what was
typed and the reason next to its field, inside a savepoint so nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.deps import DbSession
from zhili.divisions import repository as divisions
from zhili.errors import ZhiliError
from zhili.kernel import fields
from zhili.mediation import registry
from zhili.mediation import repository as disputes
from zhili.mediation.forms import parse, read
from zhili.mediation.models import RoutingRule
from zhili.mediation.policy import DisputeReader, RegistryKeeper, can_keep_mediation_registry
from zhili.mediation.schemas import (
    CommitteeIn,
    CommitteeUpdateIn,
    MediatorIn,
    MediatorUpdateIn,
    RoutingRuleIn,
)
from zhili.mediation.states import KIND_LABELS, SOURCE_LABELS, TRACK_LABELS
from zhili.web.templating import render, see_other

router = APIRouter(include_in_schema=False)
HOME = "/mediation/registry"
LABELS = {
    "name": "名称",
    "track": "调解类型",
    "division_code": "服务范围",
    "committee_id": "所属调解组织",
    "specialties": "擅长的纠纷类型",
    "area": "负责地区",
    "username": "关联的工作人员账号",
    "priority": "优先级",
    "kind": "纠纷类型",
    "source": "纠纷来源",
    "note": "说明",
}
MEDIATOR_LABELS = {**LABELS, "name": "姓名"}
RULE_LABELS = {**LABELS, "track": "分流至"}
TRACKS = [(t.value, label) for t, label in TRACK_LABELS.items()]
KINDS = [(k.value, label) for k, label in KIND_LABELS.items()]
SOURCES = [(s.value, label) for s, label in SOURCE_LABELS.items()]


def rule_words(rule: RoutingRule) -> str:
    """A 分流 rule in Chinese words: 类型为“劳动争议”的纠纷分流至行政调解."""
    conditions = []
    if rule.kind:
        conditions.append(f"类型为“{KIND_LABELS[rule.kind]}”")
    if rule.source:
        conditions.append(f"来源为“{SOURCE_LABELS[rule.source]}”")
    who = "、".join(conditions) + "的纠纷" if conditions else "其他纠纷（不限类型和来源）"
    return f"{who}分流至{TRACK_LABELS[rule.track]}"


@router.get(HOME, response_class=HTMLResponse)
def registry_page(request: Request, session: DbSession, actor: DisputeReader) -> HTMLResponse:
    committees = disputes.registry_committees(session, actor)
    mediators = disputes.registry_mediators(session, actor)
    rules = disputes.routing_rules(session)
    places = {c.division_code for c in committees} | {m.area for m, _n, _l in mediators}
    context = {
        "committees": committees,
        "mediators": mediators,
        "rules": [(r, rule_words(r)) for r in rules],
        "names": divisions.names_of(session, places),
        "track_labels": {t.value: label for t, label in TRACK_LABELS.items()},
        "kind_labels": {k.value: label for k, label in KIND_LABELS.items()},
        "may_keep": can_keep_mediation_registry(actor),
    }
    return render(request, "mediation/registry.html", context)


def _refused(refused: ZhiliError) -> None:
    """Who may not, or what does not exist, is not a form problem: it goes to the error page."""
    if refused.status in (403, 404):
        raise refused


def _save(
    request: Request,
    session: Session,
    write: Callable[[], object],
    refused_page: Callable[[dict[str, str], int], Response],
    done: str,
) -> Response:
    """One registry write from a form: in a savepoint; refused, the form again with the reasons (a 403
    or 404 goes to the error page); saved, back to the registry's ``done`` section."""
    try:
        with session.begin_nested():
            write()
    except ZhiliError as refused:
        _refused(refused)
        return refused_page(refused.form_errors(), refused.status)
    return see_other(request, f"{HOME}#{done}")


def _active(form: dict[str, str]) -> bool:
    return form.get("active") == "1"


# Committees ----------------------------------------------------------------------------------


def _committee_page(
    request: Request,
    session: Session,
    form: dict[str, str],
    errors: dict[str, str],
    editing: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    code = form.get("division_code", "")
    context = {
        "form": form,
        "errors": errors,
        "editing": editing,
        "tracks": TRACKS,
        "shown": divisions.names_of(session, {code}).get(code, "") if code else "",
    }
    return render(request, "mediation/registry_committee.html", context, status=status)


def _committee_data(form: dict[str, str]) -> dict[str, Any]:
    return {k: form.get(k) for k in ("name", "track", "division_code")}


@router.get(f"{HOME}/committees/new", response_class=HTMLResponse)
def new_committee(request: Request, session: DbSession, actor: RegistryKeeper) -> HTMLResponse:
    return _committee_page(request, session, {"track": "people"}, {})


@router.post(f"{HOME}/committees/new")
async def add_committee(request: Request, session: DbSession, actor: RegistryKeeper) -> Response:
    form, _ = await read(request)
    return _save(
        request,
        session,
        lambda: registry.add_committee(session, actor, parse(CommitteeIn, _committee_data(form), LABELS)),
        lambda errors, status: _committee_page(request, session, form, errors, status=status),
        "committees",
    )


@router.get(f"{HOME}/committees/{{committee_id}}", response_class=HTMLResponse)
def edit_committee(
    request: Request, committee_id: fields.Id, session: DbSession, actor: RegistryKeeper
) -> HTMLResponse:
    c = disputes.get_committee(session, actor, committee_id)
    form = {"name": c.name, "track": c.track.value, "division_code": c.division_code}
    if c.active:
        form["active"] = "1"
    return _committee_page(request, session, form, {}, editing=c.id)


@router.post(f"{HOME}/committees/{{committee_id}}")
async def update_committee(
    request: Request, committee_id: fields.Id, session: DbSession, actor: RegistryKeeper
) -> Response:
    disputes.get_committee(session, actor, committee_id)
    form, _ = await read(request)
    data = {**_committee_data(form), "active": _active(form)}
    return _save(
        request,
        session,
        lambda: registry.update_committee(
            session, actor, committee_id, parse(CommitteeUpdateIn, data, LABELS)
        ),
        lambda errors, status: _committee_page(
            request, session, form, errors, editing=committee_id, status=status
        ),
        "committees",
    )


# Mediators -----------------------------------------------------------------------------------


def _mediator_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: dict[str, str],
    chosen: list[str],
    errors: dict[str, str],
    editing: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    area = form.get("area", "")
    committees = [
        (str(c.id), f"{c.name}（{TRACK_LABELS[c.track]}）" + ("" if c.active else "，已停用"))
        for c in disputes.registry_committees(session, actor)
        if c.active or str(c.id) == form.get("committee_id")
    ]
    context = {
        "form": form,
        "chosen": chosen,
        "errors": errors,
        "editing": editing,
        "committees": committees,
        "kinds": KINDS,
        "accounts": disputes.linkable_accounts(session),
        "shown": divisions.names_of(session, {area}).get(area, "") if area else "",
    }
    return render(request, "mediation/registry_mediator.html", context, status=status)


def _mediator_data(form: dict[str, str], multi: dict[str, list[str]]) -> dict[str, Any]:
    data: dict[str, Any] = {k: form.get(k) for k in ("committee_id", "name", "area", "username")}
    data["specialties"] = multi.get("specialties", [])
    return data


@router.get(f"{HOME}/mediators/new", response_class=HTMLResponse)
def new_mediator(
    request: Request, session: DbSession, actor: RegistryKeeper, committee_id: str = ""
) -> HTMLResponse:
    return _mediator_page(request, session, actor, {"committee_id": committee_id}, [], {})


@router.post(f"{HOME}/mediators/new")
async def add_mediator(request: Request, session: DbSession, actor: RegistryKeeper) -> Response:
    form, multi = await read(request)
    chosen = multi.get("specialties", [])
    return _save(
        request,
        session,
        lambda: registry.add_mediator(
            session, actor, parse(MediatorIn, _mediator_data(form, multi), MEDIATOR_LABELS)
        ),
        lambda errors, status: _mediator_page(request, session, actor, form, chosen, errors, status=status),
        "mediators",
    )


@router.get(f"{HOME}/mediators/{{mediator_id}}", response_class=HTMLResponse)
def edit_mediator(
    request: Request, mediator_id: fields.Id, session: DbSession, actor: RegistryKeeper
) -> HTMLResponse:
    m = disputes.get_mediator(session, actor, mediator_id)
    form = {
        "committee_id": str(m.committee_id),
        "name": m.name,
        "area": m.area,
        "username": disputes.account_username(session, m.user_id) or "",
    }
    if m.active:
        form["active"] = "1"
    chosen = [k.value for k in disputes.specialties(m)]
    return _mediator_page(request, session, actor, form, chosen, {}, editing=m.id)


@router.post(f"{HOME}/mediators/{{mediator_id}}")
async def update_mediator(
    request: Request, mediator_id: fields.Id, session: DbSession, actor: RegistryKeeper
) -> Response:
    disputes.get_mediator(session, actor, mediator_id)
    form, multi = await read(request)
    data = {**_mediator_data(form, multi), "active": _active(form)}
    chosen = multi.get("specialties", [])
    return _save(
        request,
        session,
        lambda: registry.update_mediator(
            session, actor, mediator_id, parse(MediatorUpdateIn, data, MEDIATOR_LABELS)
        ),
        lambda errors, status: _mediator_page(
            request, session, actor, form, chosen, errors, editing=mediator_id, status=status
        ),
        "mediators",
    )


# 分流 rules -----------------------------------------------------------------------------------


def _rule_page(
    request: Request,
    form: dict[str, str],
    errors: dict[str, str],
    editing: int | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = {
        "form": form,
        "errors": errors,
        "editing": editing,
        "tracks": TRACKS,
        "kinds": KINDS,
        "sources": SOURCES,
    }
    return render(request, "mediation/registry_rule.html", context, status=status)


def _rule_data(form: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {k: form.get(k) for k in ("priority", "kind", "source", "track", "note")}
    data["active"] = _active(form)
    return data


@router.get(f"{HOME}/rules/new", response_class=HTMLResponse)
def new_rule(request: Request, actor: RegistryKeeper) -> HTMLResponse:
    return _rule_page(request, {"track": "people", "active": "1"}, {})


@router.post(f"{HOME}/rules/new")
async def add_rule(request: Request, session: DbSession, actor: RegistryKeeper) -> Response:
    form, _ = await read(request)
    return _save(
        request,
        session,
        lambda: registry.add_rule(session, actor, parse(RoutingRuleIn, _rule_data(form), RULE_LABELS)),
        lambda errors, status: _rule_page(request, form, errors, status=status),
        "routing-rules",
    )


@router.get(f"{HOME}/rules/{{rule_id}}", response_class=HTMLResponse)
def edit_rule(
    request: Request, rule_id: fields.Id, session: DbSession, actor: RegistryKeeper
) -> HTMLResponse:
    r = disputes.get_rule(session, rule_id)
    form = {
        "priority": str(r.priority),
        "kind": r.kind.value if r.kind else "",
        "source": r.source.value if r.source else "",
        "track": r.track.value,
        "note": r.note or "",
    }
    if r.active:
        form["active"] = "1"
    return _rule_page(request, form, {}, editing=r.id)


@router.post(f"{HOME}/rules/{{rule_id}}")
async def update_rule(
    request: Request, rule_id: fields.Id, session: DbSession, actor: RegistryKeeper
) -> Response:
    form, _ = await read(request)
    return _save(
        request,
        session,
        lambda: registry.update_rule(
            session, actor, rule_id, parse(RoutingRuleIn, _rule_data(form), RULE_LABELS)
        ),
        lambda errors, status: _rule_page(request, form, errors, editing=rule_id, status=status),
        "routing-rules",
    )
