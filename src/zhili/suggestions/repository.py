"""Reads of suggestions, each through ``readable_suggestions(actor)``: a reviewer reads the
suggestions of his office's jurisdiction, a department those to its campaigns and those forwarded to
it. Campaigns are public while open; figures are one grouped statement."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from zhili.auth.scope import Actor, readable
from zhili.cases.models import Case
from zhili.errors import NotFound
from zhili.suggestions.models import Suggestion, SuggestionCampaign, SuggestionStep
from zhili.suggestions.policy import (
    can_read_suggestion_figures,
    can_read_suggestions,
    figures_by_jurisdiction,
    reads_by_jurisdiction,
)
from zhili.suggestions.states import SuggestionSource, SuggestionState
from zhili.units.models import Unit


def _visible(actor: Actor) -> ColumnElement[bool]:
    if not can_read_suggestions(actor):
        return false()
    ways: list[ColumnElement[bool]] = []
    if reads_by_jurisdiction(actor):
        ways.append(readable(actor).clause(Suggestion.division_code))
    elif actor.unit_id is not None:
        own = aliased(SuggestionCampaign)  # its own name, so an outer join of campaigns stays apart
        ways.append(Suggestion.department_unit_id == actor.unit_id)
        ways.append(exists().where(own.id == Suggestion.campaign_id, own.unit_id == actor.unit_id))
    return or_(*ways) if ways else false()


def _counted(actor: Actor) -> ColumnElement[bool]:
    """What the figures count: the reader's scope (a department: what it may read)."""
    if not can_read_suggestion_figures(actor):
        return false()
    if figures_by_jurisdiction(actor):
        return readable(actor).clause(Suggestion.division_code)
    return _visible(actor)


def readable_suggestions(actor: Actor) -> Select[Suggestion]:
    """The one scoped statement every read of suggestions starts from."""
    return select(Suggestion).where(_visible(actor))


def get_readable(session: Session, actor: Actor, code: str, *, for_update: bool = False) -> Suggestion:
    statement = readable_suggestions(actor).where(Suggestion.code == code)
    if for_update:
        statement = statement.with_for_update()
    found = session.scalars(statement).first()
    if found is None:
        raise NotFound(f"建议 {code} 不存在或不在您的查看范围内")
    return found


def list_suggestions(
    session: Session,
    actor: Actor,
    *,
    state: SuggestionState | None = None,
    source: SuggestionSource | None = None,
    campaign: str | None = None,
    limit: int = 200,
) -> Sequence[Suggestion]:
    statement = readable_suggestions(actor).order_by(Suggestion.received_at.desc(), Suggestion.id.desc())
    if state is not None:
        statement = statement.where(Suggestion.state == state)
    if source is not None:
        statement = statement.where(Suggestion.source == source)
    if campaign:
        statement = statement.join(SuggestionCampaign, SuggestionCampaign.id == Suggestion.campaign_id).where(
            SuggestionCampaign.code == campaign
        )
    return session.scalars(statement.limit(limit)).all()


def steps_of(session: Session, suggestion_id: int) -> Sequence[SuggestionStep]:
    return session.scalars(
        select(SuggestionStep)
        .where(SuggestionStep.suggestion_id == suggestion_id)
        .order_by(SuggestionStep.id)
    ).all()


def by_code(session: Session, code: str) -> Suggestion | None:
    """For the citizen's tracking only (guarded there by the phone tail)."""
    return session.execute(select(Suggestion).where(Suggestion.code == code)).scalar_one_or_none()


def unit_name(session: Session, unit_id: int | None) -> str | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else None


def campaign_of(session: Session, campaign_id: int | None) -> SuggestionCampaign | None:
    return session.get(SuggestionCampaign, campaign_id) if campaign_id else None


def case_code(session: Session, case_id: int | None) -> str | None:
    case_ = session.get(Case, case_id) if case_id else None
    return case_.code if case_ else None


def campaign_by_code(session: Session, code: str) -> SuggestionCampaign | None:
    return session.execute(
        select(SuggestionCampaign).where(SuggestionCampaign.code == code)
    ).scalar_one_or_none()


def _with_counts() -> Select[SuggestionCampaign, str, int]:
    counts = (
        select(Suggestion.campaign_id, func.count().label("n"))
        .where(Suggestion.campaign_id.is_not(None))
        .group_by(Suggestion.campaign_id)
        .subquery()
    )
    return (
        select(SuggestionCampaign, Unit.name, func.coalesce(counts.c.n, 0))
        .join(Unit, Unit.id == SuggestionCampaign.unit_id)
        .outerjoin(counts, counts.c.campaign_id == SuggestionCampaign.id)
        .order_by(SuggestionCampaign.closes_on.desc(), SuggestionCampaign.id.desc())
    )


def open_campaigns(session: Session, today: date) -> list[tuple[SuggestionCampaign, str, int]]:
    """The calls the portal lists: opened and not yet past their deadline."""
    statement = _with_counts().where(
        SuggestionCampaign.opens_on <= today, SuggestionCampaign.closes_on >= today
    )
    return [(c, name, int(n)) for c, name, n in session.execute(statement.limit(200)).all()]


def campaigns_for(session: Session, actor: Actor) -> list[tuple[SuggestionCampaign, str, int]]:
    """A department's own campaigns; a reviewer's, those of his jurisdiction."""
    if reads_by_jurisdiction(actor):
        where = readable(actor).clause(SuggestionCampaign.division_code)
    elif actor.unit_id is not None and can_read_suggestions(actor):
        where = SuggestionCampaign.unit_id == actor.unit_id
    else:
        where = false()
    statement = _with_counts().where(where)
    return [(c, name, int(n)) for c, name, n in session.execute(statement.limit(500)).all()]


def excellent(session: Session, year: int) -> Sequence[Suggestion]:
    """The year's 优秀建议 whose suggesters consented to publication."""
    return session.scalars(
        select(Suggestion)
        .where(Suggestion.excellent_year == year, Suggestion.consent_publish.is_(True))
        .order_by(Suggestion.decided_at, Suggestion.id)
        .limit(500)
    ).all()


def figures(session: Session, actor: Actor) -> list[dict[str, object]]:
    """采纳率 by month × department × campaign, among decided suggestions: one grouped statement.

    The department is the campaign's, else the one the suggestion was forwarded to."""
    campaign_unit = aliased(Unit)
    forwarded_unit = aliased(Unit)
    department = func.coalesce(campaign_unit.name, forwarded_unit.name)

    def counted(condition: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = session.execute(
        select(
            Suggestion.decided_month,
            department,
            SuggestionCampaign.title,
            func.count(),
            counted(Suggestion.state == SuggestionState.adopted),
            counted(Suggestion.state == SuggestionState.partly_adopted),
        )
        .outerjoin(SuggestionCampaign, SuggestionCampaign.id == Suggestion.campaign_id)
        .outerjoin(campaign_unit, campaign_unit.id == SuggestionCampaign.unit_id)
        .outerjoin(forwarded_unit, forwarded_unit.id == Suggestion.department_unit_id)
        .where(and_(_counted(actor), Suggestion.decided_month.is_not(None)))
        .group_by(Suggestion.decided_month, department, SuggestionCampaign.title)
        .order_by(Suggestion.decided_month, department, SuggestionCampaign.title)
    ).all()
    out: list[dict[str, object]] = []
    for month, dept, campaign, decided, adopted, partly in rows:
        n, a, p = int(decided), int(adopted), int(partly)
        out.append(
            {
                "month": month,
                "department": dept,
                "campaign": campaign,
                "decided": n,
                "adopted": a,
                "partly_adopted": p,
                "adoption_rate": round((a + p) / n, 4) if n else None,
            }
        )
    return out
