"""Shape published runs, rows and appeals for the API (and the exports)."""

from __future__ import annotations

from typing import Any

from zhili.assessment.config import Rules
from zhili.assessment.models import APPEAL_STATUS_LABELS, LEAGUE_LABELS, Appeal, AssessmentRun
from zhili.assessment.schemas import AppealOut, RowOut, RunOut

ROW_FIELDS = [name for name in RowOut.model_fields if name != "league_label"]


def run_out(run: AssessmentRun) -> RunOut:
    return RunOut(
        id=run.id,
        label=run.label,
        period_start=run.period_start,
        period_end=run.period_end,
        monthly=run.monthly,
        version=run.version,
        case_count=run.case_count,
        published_by=run.published_by,
        published_at=run.published_at,
        note=run.note,
        rules=Rules.model_validate_json(run.rules),
        rule_set_id=run.rule_set_id,
    )


def row_out(row: Any) -> RowOut:
    """A stored AssessmentResult or a live UnitScore: both carry the same names."""
    values = {name: getattr(row, name) for name in ROW_FIELDS}
    return RowOut(**values, league_label=LEAGUE_LABELS[row.league])


def appeal_out(appeal: Appeal, case_code: str) -> AppealOut:
    return AppealOut(
        id=appeal.id,
        case_code=case_code,
        unit_id=appeal.unit_id,
        status=appeal.status,
        status_label=APPEAL_STATUS_LABELS[appeal.status],
        reason=appeal.reason,
        evidence=appeal.evidence,
        created_by=appeal.created_by,
        created_at=appeal.created_at,
        decided_by=appeal.decided_by,
        decided_at=appeal.decided_at,
        decision_note=appeal.decision_note,
    )
