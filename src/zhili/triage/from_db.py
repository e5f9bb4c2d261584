"""``zhili triage train --from-db``: learn from the database's own history.

The rows are closed cases (已办结) with a category, plus every case a dispatcher overrode. A
dispatcher's correction wins over the category stored on the case: it is the label a person chose
after reading the demand. Labels are level-1 category names, as in the history files, so models
trained either way are interchangeable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from zhili.auth.service import system_actor
from zhili.cases.models import Case
from zhili.cases.repository import readable_cases
from zhili.cases.states import CaseState
from zhili.taxonomy.models import Category
from zhili.triage.models import TriageOverride
from zhili.triage.text import join_fields


@dataclass
class DbHistory:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    closed: int = 0
    corrected: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "source": "database",
            "closed_cases": self.closed,
            "overrides_used": self.corrected,
            "rows_read": len(self.texts),
            "class_counts": dict(Counter(self.labels).most_common()),
        }


def history(session: Session) -> DbHistory:
    level1 = select(Category.code, Category.name).where(Category.level == 1)
    names = {r.code: r.name for r in session.execute(level1)}
    codes = {r.id: r.code for r in session.execute(select(Category.id, Category.code))}
    corrections: dict[int, str] = {}
    for row in session.execute(
        select(TriageOverride.case_id, TriageOverride.category_code)
        .where(TriageOverride.category_code.is_not(None))
        .order_by(TriageOverride.created_at, TriageOverride.id)
    ):
        corrections[row.case_id] = row.category_code or ""  # the latest correction of a case wins
    wanted = [Case.state == CaseState.closed]
    if corrections:
        wanted.append(Case.id.in_(list(corrections)))
    scoped = readable_cases(system_actor("triage-training")).where(or_(*wanted))
    data = DbHistory()
    for case in session.scalars(scoped.order_by(Case.id)):
        corrected = corrections.get(case.id)
        code = corrected or (codes.get(case.category_id) if case.category_id else None)
        label = names.get((code or "")[:2])
        text = join_fields([case.title, case.description])
        if not label or not text:
            continue
        data.texts.append(text)
        data.labels.append(label)
        data.corrected += corrected is not None
        data.closed += case.state == CaseState.closed
    return data
