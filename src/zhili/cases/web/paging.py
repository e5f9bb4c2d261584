"""The pager under each section of a work list: 共 N 件, 「下一页」 and 「回到第一页」 links.

Each section of a workbench pages on its own: its cursor travels in the query parameter named after
the section (``?new=…``), beside the list's filter (``state``), the page size (``size``) and the
other sections' cursors, so paging one list keeps the others where they were. A cursor that was
altered shows that section's first page with a message instead of an error page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from sqlalchemy import Select
from sqlalchemy.orm import Session

from zhili.auth.scope import Actor
from zhili.cases.listing.pages import COUNT_CAP
from zhili.cases.listing.sections import BadCursor, check_cursor, section_page
from zhili.cases.models import Case
from zhili.kernel.keyset import BAD_PAGE
from zhili.web.paging import Pager, pager, total_text

LIST_LIMIT = 100  # rows per page of a work list (a smaller ``size`` may be asked for)
KEPT = ("state", "size")  # the filters every page link keeps


@dataclass(frozen=True)
class Section:
    """One list of a workbench: its rows' statement (scoped, with the section's conditions), the
    column it is ordered by (ascending, ties by id) and what the list is called."""

    name: str
    label: str
    select: Callable[[Actor, str], Select[Any]]
    key: Any  # a Case column


def list_params(request: Request, sections: Iterable[Section]) -> tuple[dict[str, str], set[str]]:
    """The query parameters a page link keeps (the filters and each section's cursor), and the
    sections whose cursor was not usable (left out, so those sections start again at page 1)."""
    params = {k: v for k in KEPT if (v := request.query_params.get(k))}
    bad = set()
    for section in sections:
        if cursor := request.query_params.get(section.name):
            try:
                check_cursor(cursor, section.name)
                params[section.name] = cursor
            except BadCursor:
                bad.add(section.name)
    return params, bad


def read_section(
    session: Session,
    actor: Actor,
    section: Section,
    *,
    path: str,
    params: dict[str, str],
    state: str,
    size: int,
    bad_cursor: bool = False,
) -> tuple[Sequence[Case], Pager]:
    """One page of ``section`` for a list at ``path`` whose links keep ``params``, and its pager."""
    name, cursor = section.name, params.get(section.name)
    statement = section.select(actor, state)
    page = section_page(session, statement, section.key, section=name, size=size, cursor=cursor)
    message = BAD_PAGE if bad_cursor else None
    total = total_text(page.total, page.capped, cap=COUNT_CAP)
    return page.rows, pager(path, params, name, page.next_cursor, total, message, empty=not page.rows)
