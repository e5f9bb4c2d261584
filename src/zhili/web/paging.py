"""The pager under a keyset-paged list: its total, 「下一页」 and 「回到第一页」 (_keyset_pager.html).

A list's cursor travels in the query parameter named after the list, beside the parameters the page
keeps (its filters, the other lists' cursors); 「回到第一页」 is the same URL without that cursor.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode

from zhili.kernel.keyset import BAD_PAGE, BadCursor, decode

CAP = 10_000  # a total above this is shown as "超过 10,000"


@dataclass(frozen=True)
class Pager:
    name: str
    total_text: str
    next_url: str | None
    first_url: str | None  # None on the first page
    message: str | None = None  # the cursor given was not usable; the first page is shown
    empty: bool = False  # the list has nothing to show (its first page is empty)

    @property
    def quiet(self) -> bool:
        """Nothing to say under the list: it is empty and this is its first page."""
        return self.empty and self.first_url is None and self.message is None


def total_text(total: int, capped: bool, *, cap: int = CAP, unit: str = "件") -> str:
    return f"超过 {cap:,} {unit}" if capped else f"共 {total:,} {unit}"


def link(path: str, params: dict[str, str]) -> str:
    return path + ("?" + urlencode(params) if params else "")


def pager(
    path: str,
    params: dict[str, str],
    name: str,
    next_cursor: str | None,
    total: str,
    message: str | None,
    *,
    empty: bool = False,
) -> Pager:
    """The pager of list ``name`` on the page ``path?params`` (whose ``name`` is its cursor, if any)."""
    first = {k: v for k, v in params.items() if k != name}
    return Pager(
        name=name,
        total_text=total,
        next_url=link(path, {**first, name: next_cursor}) if next_cursor else None,
        first_url=link(path, first) if name in params else None,
        message=message,
        empty=empty,
    )


def usable_cursor(
    token: str | None, name: str, kind: type[datetime] | type[date] | None
) -> tuple[str | None, str | None]:
    """``token`` if it is a cursor of list ``name``, else None and the message the page shows."""
    if not token:
        return None, None
    try:
        decode(token, name, kind)
    except BadCursor:
        return None, BAD_PAGE
    return token, None
