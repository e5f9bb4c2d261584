"""Who may do what with 信访.

- The 信访 office's staff (信访干部, ``petition_officer``, an account of a unit such as 朝阳区信访办公室)
  register petitions, decide (受理/转送/交办/不予受理), record requests for 复查/复核, assign 包案
  leaders and plan the 领导接访日 and 下访. They read the matters of their office's jurisdiction, and
  they alone see petitioners' details in full.
- The bodies a matter was sent to (any staff account of that unit, in practice ``unit_staff``) read
  that matter only, and take the steps that are theirs: 受理 or 不予受理 after a 转送/交办, 延期,
  答复, 复查 and 复核 opinions. They see petitioners masked.
- A leader (``supervisor``) assigned to a matter (包案) reads it and records their actions.
- Admins read (masked) but do not act. Citizens submit online and track by code + phone tail.

No permission here, and no route, ranks or lists petitioners: figures are by matter, place and
category only (see docs/petitions.md).
"""

from __future__ import annotations

from typing import Annotated

from zhili.auth.models import Role
from zhili.auth.permissions import permission
from zhili.auth.scope import Actor

OFFICE_ROLES = frozenset({Role.petition_officer})
BODY_ROLES = frozenset({Role.unit_staff, Role.petition_officer})
LEADER_ROLES = frozenset({Role.supervisor})
READER_ROLES = OFFICE_ROLES | BODY_ROLES | LEADER_ROLES | {Role.admin}
FIGURE_READERS = OFFICE_ROLES | LEADER_ROLES | {Role.admin}


@permission("查看信访事项")
def can_read_petitions(actor: Actor) -> bool:
    """Each reader is scoped by ``repository.readable_matters``: jurisdiction, body or 包案."""
    return actor.role in READER_ROLES


@permission("登记信访件")
def can_register_petition(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES


@permission("受理、转送、交办信访事项")
def can_decide_petition(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES


@permission("办理信访事项")
def can_handle_petition(actor: Actor) -> bool:
    """The office, or a body the matter was sent to (checked against the matter by the service)."""
    return actor.role in BODY_ROLES


@permission("指定包案领导、安排领导接访与下访")
def can_organise_leaders(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES


@permission("记录包案工作")
def can_record_leader_action(actor: Actor) -> bool:
    """The office, or the leader assigned to the matter (checked by the service)."""
    return actor.role in OFFICE_ROLES | LEADER_ROLES


@permission("查看信访统计（按事项、地区、类别）")
def can_read_petition_figures(actor: Actor) -> bool:
    return actor.role in FIGURE_READERS


@permission("登记信访人满意度（回访）")
def can_record_satisfaction(actor: Actor) -> bool:
    """The office records the petitioner's satisfaction with the 答复 after a 回访."""
    return actor.role in OFFICE_ROLES


@permission("下载答复意见书、不予受理告知书")
def can_download_notices(actor: Actor) -> bool:
    """The written notices carry the petitioner's full name: the office only (checked against the matter)."""
    return actor.role in OFFICE_ROLES


def reads_by_jurisdiction(actor: Actor) -> bool:
    """The office (and admins) read every matter located in their scope."""
    return actor.role in OFFICE_ROLES or actor.role == Role.admin


def acts_as_office(actor: Actor) -> bool:
    return actor.role in OFFICE_ROLES


def sees_full_petitioner(actor: Actor) -> bool:
    """Only the 信访 office sees a petitioner's name, phone and ID number in full."""
    return actor.role in OFFICE_ROLES


def can_lead(role: Role) -> bool:
    """Whether an account of this role can be a 包案 leader or receive visitors on a 接访日."""
    return role in LEADER_ROLES


PetitionReader = Annotated[Actor, can_read_petitions.depends]
PetitionRegistrar = Annotated[Actor, can_register_petition.depends]
PetitionDecider = Annotated[Actor, can_decide_petition.depends]
PetitionHandler = Annotated[Actor, can_handle_petition.depends]
LeaderOrganiser = Annotated[Actor, can_organise_leaders.depends]
LeaderRecorder = Annotated[Actor, can_record_leader_action.depends]
SatisfactionRecorder = Annotated[Actor, can_record_satisfaction.depends]
NoticeDownloader = Annotated[Actor, can_download_notices.depends]
FigureReader = Annotated[Actor, can_read_petition_figures.depends]
