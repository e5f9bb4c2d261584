"""The assessment rules (考核规则): weights, partial credit, what is assessed and what is excluded.

Beijing's official weights are not public, so every number here is configuration. The defaults of
the weights, the 基本满意 credit and the number of focus streets come from settings
(``ZHILI_ASSESSMENT_*``); an admin saves a new rule set (API or ``zhili assess config set``), and each
published run stores the rules it used.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.assessment.models import RuleSetRow
from zhili.audit.service import record
from zhili.kernel.clock import utcnow
from zhili.settings import Settings


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    weight_response: float = Field(default=0.2, ge=0, le=1, description="响应率权重")
    weight_resolution: float = Field(default=0.4, ge=0, le=1, description="解决率权重")
    weight_satisfaction: float = Field(default=0.4, ge=0, le=1, description="满意率权重")
    weight_checkin: float = Field(default=0.1, ge=0, le=1, description="协办报到及时率权重")
    partial_credit: float = Field(default=0.8, ge=0, le=1, description="基本满意计入满意的比例")
    basis: Literal["closed", "received"] = Field(
        default="closed", description="按办结时间(closed)或受理时间(received)把诉求归入考核期"
    )
    unreachable: Literal["exclude", "solved", "unsolved"] = Field(
        default="exclude",
        description="无法联系市民的诉求在解决率、满意率中：不计(exclude)、按已解决满意(solved)、按未解决不满意(unsolved)",
    )
    reopen: Literal["each", "once"] = Field(
        default="each", description="重办：每轮重办再计一件未解决、不满意(each)，或只计最终结果(once)"
    )
    exclude_direct: bool = Field(default=True, description="不考核直接办结的咨询类诉求")
    exclude_merged: bool = Field(default=True, description="不考核被合并的重复诉求")
    exclude_under_appeal: bool = Field(default=True, description="申诉审核中的诉求暂不计入")
    min_cases: int = Field(default=1, ge=1, le=100000, description="参与排名的最少诉求件数")
    focus_streets: int = Field(default=10, ge=0, le=349, description="排名末位标记为治理类重点街乡的数量")

    @model_validator(mode="after")
    def _some_weight(self) -> Rules:
        if self.weight_response + self.weight_resolution + self.weight_satisfaction <= 0:
            raise ValueError("响应率、解决率、满意率的权重不能全为 0")
        return self

    def as_json(self) -> str:
        return json.dumps(self.model_dump(), ensure_ascii=False, sort_keys=True)


FIELD_LABELS = {name: field.description or name for name, field in Rules.model_fields.items()}


def default_rules(settings: Settings) -> Rules:
    return Rules(
        weight_response=settings.assessment_weight_response,
        weight_resolution=settings.assessment_weight_resolution,
        weight_satisfaction=settings.assessment_weight_satisfaction,
        weight_checkin=settings.assessment_weight_checkin,
        partial_credit=settings.assessment_partial_credit,
        focus_streets=settings.assessment_focus_streets,
    )


def active_rule_set(session: Session) -> RuleSetRow | None:
    return session.execute(select(RuleSetRow).order_by(RuleSetRow.id.desc()).limit(1)).scalar_one_or_none()


def active_rules(session: Session, settings: Settings) -> tuple[Rules, int | None]:
    """The rules in force and the id of their rule set (None: the defaults from settings)."""
    row = active_rule_set(session)
    if row is None:
        return default_rules(settings), None
    return Rules.model_validate_json(row.rules), row.id


def save_rules(session: Session, rules: Rules, *, actor: str, note: str | None = None) -> RuleSetRow:
    row = RuleSetRow(rules=rules.as_json(), note=note, created_by=actor, created_at=utcnow())
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="assessment.rules",
        target_type="assessment_rule_set",
        target_id=row.id,
        detail={"rules": rules.model_dump(), "note": note},
    )
    return row
