"""Exports of a published run: Excel (one sheet per league, plus the rules) and CSV (UTF-8 with BOM,
so that Excel opens it). Headers are Chinese; rates are percentages. No personal data is involved."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

from zhili.assessment.config import FIELD_LABELS, Rules
from zhili.assessment.models import LEAGUE_LABELS, AssessmentResult, AssessmentRun, League


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 2)


def _change(value: int | float | None) -> int | float | str:
    return "" if value is None else value


COLUMNS: list[tuple[str, Callable[[AssessmentResult], Any]]] = [
    ("类别", lambda r: LEAGUE_LABELS[r.league]),
    ("排名", lambda r: r.rank if r.rank is not None else "不参与排名"),
    ("单位编码", lambda r: r.unit_code),
    ("单位名称", lambda r: r.unit_name),
    ("诉求件数", lambda r: r.case_count),
    ("响应率(%)", lambda r: _percent(r.response_rate)),
    ("解决率(%)", lambda r: _percent(r.resolution_rate)),
    ("满意率(%)", lambda r: _percent(r.satisfaction_rate)),
    ("协办报到及时率(%)", lambda r: _percent(r.checkin_rate)),
    ("综合得分", lambda r: r.composite),
    ("排名变化", lambda r: _change(r.rank_change)),
    ("得分变化", lambda r: _change(r.composite_change)),
    ("上期排名", lambda r: _change(r.previous_rank)),
    ("治理类重点街乡", lambda r: "是" if r.focus else ""),
    ("申诉核减件数", lambda r: r.excluded_by_appeal),
    ("按时联系件数", lambda r: r.response_ok),
    ("已解决件数", lambda r: r.solved),
    ("解决率计算件数", lambda r: r.resolution_total),
    ("满意件数", lambda r: r.satisfied),
    ("基本满意件数", lambda r: r.basically_satisfied),
    ("满意率计算件数", lambda r: r.satisfaction_total),
    ("协办件数", lambda r: r.checkin_total),
    ("按时报到件数", lambda r: r.checkin_ok),
]
HEADERS = [name for name, _ in COLUMNS]


def _values(row: AssessmentResult) -> list[Any]:
    return [("" if (value := get(row)) is None else value) for _, get in COLUMNS]


def to_csv(rows: Sequence[AssessmentResult]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(_values(row))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(run: AssessmentRun, rows: Sequence[AssessmentResult]) -> bytes:
    from openpyxl import Workbook  # at first use, not at every server start

    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for league in League:
        sheet = book.create_sheet(LEAGUE_LABELS[league])
        sheet.append(HEADERS[1:])
        for row in rows:
            if row.league == league:
                sheet.append(_values(row)[1:])
        sheet.freeze_panes = "A2"
    rules = book.create_sheet("考核规则")
    rules.append(["项目", "取值"])
    rules.append(["考核期", run.label])
    rules.append(["版本", run.version])
    rules.append(["发布人", run.published_by])
    rules.append(["发布时间(UTC)", run.published_at.strftime("%Y-%m-%d %H:%M:%S")])
    for name, value in Rules.model_validate_json(run.rules).model_dump().items():
        rules.append([FIELD_LABELS[name], ("是" if value else "否") if isinstance(value, bool) else value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def filename(run: AssessmentRun, fmt: str) -> str:
    return f"assessment-{run.label.replace('~', '_')}-v{run.version}.{fmt}"
