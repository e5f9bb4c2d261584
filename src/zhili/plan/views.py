"""The shape of an indicator's progress, shared by the API, the dashboard and the report."""

from __future__ import annotations

from typing import Any

from zhili.plan.models import COMPARISON_LABELS, METHOD_LABELS
from zhili.plan.service import Progress


def progress_view(row: Progress) -> dict[str, Any]:
    indicator, latest = row.indicator, row.latest
    return {
        "code": indicator.code,
        "name": indicator.name,
        "unit": indicator.unit,
        "baseline": indicator.baseline,
        "baseline_on": indicator.baseline_on.isoformat(),
        "target": indicator.target,
        "comparison": COMPARISON_LABELS[indicator.comparison],
        "deadline": indicator.deadline.isoformat(),
        "source": indicator.source,
        "method": indicator.method.value,
        "method_label": METHOD_LABELS[indicator.method],
        "note": indicator.note,
        "value": latest.value if latest else None,
        "as_of": latest.as_of.isoformat() if latest else None,
        "numerator": latest.numerator if latest else None,
        "denominator": latest.denominator if latest else None,
        "evidence": latest.evidence if latest else None,
        "expected": row.expected,
        "completion": row.completion,
        "expected_completion": row.expected_completion,
        "status": row.status,
    }
