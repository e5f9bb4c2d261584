"""Turn cases into API shapes, revealing personal data only as the actor's role allows."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Result, Select, select
from sqlalchemy.orm import Session

from zhili.auth.models import role_label
from zhili.auth.scope import Actor
from zhili.cases import repository
from zhili.cases.context import CaseContext
from zhili.cases.lifecycle.transitions import RULES
from zhili.cases.models import Case
from zhili.cases.privacy import contact_for
from zhili.cases.schemas import AssignmentOut, CaseOut, CaseSummary, CitizenOut, EventOut
from zhili.cases.states import STATE_LABELS
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.models import Category
from zhili.units.models import Unit

EVENT_LABELS = {name: rule.label for name, rule in RULES.items()} | {
    "intake": "受理",
    "import": "历史导入",
    "merge_in": "并入重复诉求",
    "visit_unreachable": "回访未联系上",
    "sweep_warning": "临期预警",
    "sweep_overdue": "超期",
    # Other domains write into a case's history too.
    "deliberation_topic": "提交社区议事",
    "deliberation_decision": "议事厅决议",
    "verification_requested": "派发网格核查",
    "verification_result": "网格核查结果",
    "transfer_suggestion": "转人民建议征集",
}


def unit_codes(session: Session, ids: Sequence[int | None]) -> dict[int, tuple[str, str]]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.execute(select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(wanted))).all()
    return {uid: (code, name) for uid, code, name in rows}


# What a list shows of each case, named as ``CaseSummary`` names it: a list reads these columns, not
# whole rows, with its lead unit's and category's codes in the same statement.
SUMMARY_COLUMNS = (
    Case.id,
    Case.code,
    Case.state,
    Case.demand_type,
    Case.urgency,
    Case.title,
    Case.district_code,
    Case.street_code,
    Case.received_at,
    Case.feedback_due,
    Case.warning,
    Case.overdue,
    Category.code.label("category"),
    Unit.code.label("lead_unit"),
)


def summary_select(*extra: Any, of: Any = None) -> Select[Any]:
    """``SUMMARY_COLUMNS`` (and ``extra``) of cases, with their lead unit's and category's codes; of
    the cases whose ids the subquery ``of`` lists (its column ``id``), when given."""
    cases: Any = Case.__table__
    if of is not None:
        cases = of.join(cases, Case.id == of.c.id)
    joined = cases.outerjoin(Unit, Unit.id == Case.lead_unit_id).outerjoin(
        Category, Category.id == Case.category_id
    )
    columns: list[Any] = [*SUMMARY_COLUMNS, *extra]
    return select(*columns).select_from(joined)


def summary_values(result: Result[Any]) -> list[dict[str, Any]]:
    """The rows of a ``summary_select``, each as a dict by column name (named once, not per row)."""
    names = list(result.keys())
    return [dict(zip(names, row, strict=True)) for row in result]


def summary_of(values: dict[str, Any]) -> CaseSummary:
    """The list shape of one row of ``summary_values`` (other columns it holds are left out)."""
    return CaseSummary.model_validate({**values, "state_label": STATE_LABELS[values["state"]]})


def summaries(session: Session, ids: Sequence[int]) -> list[CaseSummary]:
    """The list shape of the cases ``ids``, in that order, read in one statement."""
    found = summary_values(session.execute(summary_select().where(Case.id.in_(ids))))
    rows = {values["id"]: values for values in found}
    return [summary_of(rows[i]) for i in ids]


def detail(session: Session, ctx: CaseContext, actor: Actor, case: Case) -> CaseOut:
    events = repository.events_of(session, case.id)
    assignments = repository.assignments_of(session, case.id)
    units = unit_codes(
        session, [case.lead_unit_id, *(a.unit_id for a in assignments), *(e.actor_unit_id for e in events)]
    )
    category = session.get(Category, case.category_id) if case.category_id else None
    path = [c.name for c in taxonomy.category_path(session, category)] if category else []
    merged_into = session.get(Case, case.merged_into_id) if case.merged_into_id else None
    contact, shown = contact_for(actor, case, ctx.cipher)
    lead = units.get(case.lead_unit_id or 0)
    return CaseOut(
        code=case.code,
        version=case.version,
        state=case.state,
        state_label=STATE_LABELS[case.state],
        demand_type=case.demand_type,
        urgency=case.urgency,
        channel=case.channel,
        category=category.code if category else None,
        category_path=path,
        title=case.title,
        description=case.description,
        district_code=case.district_code,
        street_code=case.street_code,
        community_code=case.community_code,
        h3_cell=case.h3_cell,
        lat=case.lat,
        lng=case.lng,
        address=case.address,
        lead_unit=lead[0] if lead else None,
        lead_unit_name=lead[1] if lead else None,
        complex_case=case.complex_case,
        reply=case.reply,
        received_at=case.received_at,
        dispatched_at=case.dispatched_at,
        signed_at=case.signed_at,
        contacted_at=case.contacted_at,
        reported_at=case.reported_at,
        visited_at=case.visited_at,
        closed_at=case.closed_at,
        sign_due=case.sign_due,
        contact_due=case.contact_due,
        feedback_due=case.feedback_due,
        extension_requested=case.extension_requested,
        extended=case.extended,
        warning=case.warning,
        overdue=case.overdue,
        return_count=case.return_count,
        reopen_count=case.reopen_count,
        satisfaction=case.satisfaction,
        visit_solved=case.visit_solved,
        closure_kind=case.closure_kind.value if case.closure_kind else None,
        merged_into=merged_into.code if merged_into else None,
        citizen=CitizenOut(name=contact.name, phone=contact.phone, id_number=contact.id_number, shown=shown),
        events=[
            EventOut(
                seq=e.seq,
                action=e.action,
                label=EVENT_LABELS.get(e.action, e.action),
                from_state=e.from_state,
                to_state=e.to_state,
                actor=e.actor,
                actor_role=e.actor_role,
                actor_role_label=role_label(e.actor_role),
                actor_unit=units[e.actor_unit_id][0] if e.actor_unit_id in units else None,
                actor_unit_name=units[e.actor_unit_id][1] if e.actor_unit_id in units else None,
                at=e.at,
                note=e.note,
                data=json.loads(e.data or "{}"),
            )
            for e in events
        ],
        assignments=[
            AssignmentOut(
                unit=units[a.unit_id][0],
                unit_name=units[a.unit_id][1],
                role=a.role.value,
                status=a.status.value,
                assigned_at=a.assigned_at,
                checkin_due=a.checkin_due,
                checked_in_at=a.checked_in_at,
                reported_at=a.reported_at,
                report=a.report,
            )
            for a in assignments
        ],
        links=[{"code": code, "kind": link.kind} for link, code in repository.links_of(session, case.id)],
    )
