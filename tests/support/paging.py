"""Walking a keyset-paged page by its 「下一页」 links (templates/_keyset_pager.html)."""

from __future__ import annotations

import html
import re
from typing import Any

MAX_PAGES = 50


def next_link(page: str, name: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="next"[^>]*data-testid="next-{name}"', page)
    return html.unescape(found.group(1)) if found else None


def walk(client: Any, url: str, name: str, row: str) -> list[list[str]]:
    """The rows (``row``: a pattern with one group) of every page of list ``name``, from ``url`` on."""
    pages: list[list[str]] = []
    following: str | None = url
    while following:
        page = client.get(following)
        assert page.status_code == 200, page.text
        pages.append(re.findall(row, page.text))
        following = next_link(page.text, name)
        assert len(pages) <= MAX_PAGES
    return pages


def chunks(rows: list[str], size: int) -> list[list[str]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)] or [[]]
