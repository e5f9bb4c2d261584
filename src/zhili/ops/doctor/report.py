"""One check's result, and the Chinese report printed from a list of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    ok = "ok"
    failed = "failed"
    skipped = "skipped"


MARKS = {Status.ok: "[green]✓[/green]", Status.failed: "[red]✗[/red]", Status.skipped: "[dim]–[/dim]"}


@dataclass(frozen=True)
class Check:
    id: str  # short English name, for --skip
    title: str  # what was checked, in Chinese
    status: Status
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.status is Status.failed


def ok(id: str, title: str, detail: str = "") -> Check:
    return Check(id, title, Status.ok, detail)


def failed(id: str, title: str, detail: str) -> Check:
    return Check(id, title, Status.failed, detail)


def skipped(id: str, title: str, detail: str) -> Check:
    return Check(id, title, Status.skipped, detail)


def guarded(id: str, title: str, run: Callable[[], Check | list[Check]]) -> list[Check]:
    """Run one check; an exception is that check's failure, never the end of the report."""
    try:
        result = run()
    except Exception as exc:
        return [
            failed(
                id,
                title,
                f"检查时出错：{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}",
            )
        ]
    return result if isinstance(result, list) else [result]


def lines(checks: Iterable[Check]) -> list[str]:
    return [f"{MARKS[c.status]} {c.title}" + (f"：{c.detail}" if c.detail else "") for c in checks]
