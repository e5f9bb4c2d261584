"""Who may do what in 人民建议征集.

In Beijing the 人民建议征集办公室 sits inside the 信访 office, so the reviewers are the 信访 office's
staff (``petition_officer``): they read the suggestions of their office's jurisdiction, review them
(审阅, 采纳/部分采纳/留存参考/不予采纳 with a reason), forward one to a department for its opinion,
record 成果转化, mark 优秀建议, and alone see the suggester's name and phone in full (audited).

A department's staff (``unit_staff``) open 征集 campaigns on their topics, read the suggestions to
their own campaigns and those forwarded to them, and give their opinion on a forwarded one; they see
the suggester masked. Supervisors and admins read figures; admins read suggestions (masked) and do
not act. The 12345 centre (operator, dispatcher) may keep a 建议 demand as a case instead of letting
it flow here. Citizens submit and track by code + phone tail without an account.

No route lists suggesters or ranks them: figures are by month, department and campaign only.
"""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor

REVIEWER_ROLES = frozenset({Role.petition_officer})
DEPARTMENT_ROLES = frozenset({Role.unit_staff})
READER_ROLES = REVIEWER_ROLES | DEPARTMENT_ROLES | {Role.admin}
FIGURE_READERS = REVIEWER_ROLES | DEPARTMENT_ROLES | {Role.supervisor, Role.admin}
# Who may keep a 12345 建议 demand as a case (the centre that takes it in and dispatches it).
KEEPS_AS_CASE = frozenset({Role.operator, Role.dispatcher})


@permission("查看人民建议")
def can_read_suggestions(actor: Actor) -> bool:
    """Each reader is scoped by ``repository.readable_suggestions``: jurisdiction or department."""
    return actor.role in READER_ROLES


@permission("审阅人民建议")
def can_review_suggestions(actor: Actor) -> bool:
    return actor.role in REVIEWER_ROLES


@permission("办理人民建议")
def can_handle_suggestion(actor: Actor) -> bool:
    """Reviewers take the review steps; a department gives its opinion (each checked by the service)."""
    return actor.role in REVIEWER_ROLES | DEPARTMENT_ROLES


@permission("反馈部门意见")
def can_give_opinion(actor: Actor) -> bool:
    """The department a suggestion was forwarded to (checked against the suggestion by the service)."""
    return actor.role in DEPARTMENT_ROLES


@permission("发起建议征集")
def can_open_campaigns(actor: Actor) -> bool:
    return actor.role in DEPARTMENT_ROLES


@permission("查看建议征集统计")
def can_read_suggestion_figures(actor: Actor) -> bool:
    return actor.role in FIGURE_READERS


def reads_by_jurisdiction(actor: Actor) -> bool:
    """Reviewers (and admins) read every suggestion located in their scope."""
    return actor.role in REVIEWER_ROLES or actor.role == Role.admin


def figures_by_jurisdiction(actor: Actor) -> bool:
    """Reviewers, supervisors and admins count the suggestions of their scope; a department its own."""
    return actor.role in REVIEWER_ROLES | {Role.supervisor, Role.admin}


def sees_full_suggester(actor: Actor) -> bool:
    """Only the reviewers see the suggester's name and phone in full."""
    return actor.role in REVIEWER_ROLES


def may_keep_as_case(actor: Actor) -> bool:
    """Whether this actor's 'handle as a case' on a 建议 demand is honoured."""
    return actor.role in KEEPS_AS_CASE


def may_act(actor: Actor, by_department: bool) -> bool:
    """Whether the actor's role may take a step of the table (the row is checked by the service)."""
    return can_give_opinion(actor) if by_department else can_review_suggestions(actor)


SuggestionReader = Annotated[Actor, can_read_suggestions.depends]
SuggestionReviewer = Annotated[Actor, can_review_suggestions.depends]
SuggestionHandler = Annotated[Actor, can_handle_suggestion.depends]
CampaignOpener = Annotated[Actor, can_open_campaigns.depends]
SuggestionFigureReader = Annotated[Actor, can_read_suggestion_figures.depends]
