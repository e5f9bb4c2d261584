"""What other domains do with a demand just taken in (人民建议征集 takes the 建议 demands), registered
by ``zhili.wiring``: each runs in the intake's transaction, after triage and the audit record.

Kept apart from ``zhili.cases.flows`` so that wiring a process costs no import of the intake itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from zhili.auth.scope import Actor
    from zhili.cases.context import CaseContext
    from zhili.cases.models import Case
    from zhili.cases.schemas import CaseIn

IntakeHook = Callable[["Session", "CaseContext", "Actor", "Case", "CaseIn"], None]
INTAKE_HOOKS: list[IntakeHook] = []


def add_intake_hook(hook: IntakeHook) -> None:
    if hook not in INTAKE_HOOKS:
        INTAKE_HOOKS.append(hook)
