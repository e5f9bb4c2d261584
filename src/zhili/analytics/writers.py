"""Whole tables that a domain above analytics keeps in the store (人民建议征集's suggestions): how to
rewrite each from the database, under the sync's lock. ``zhili.wiring`` registers them.

Kept apart from ``zhili.analytics.sync`` so that wiring a process costs no import of the sync itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from zhili.analytics.store import Store
    from zhili.kernel.crypto import PersonalDataCipher

TableWriter = Callable[["Session", "Store", "PersonalDataCipher", Any], int]
TABLE_WRITERS: dict[str, TableWriter] = {}


def add_table_writer(table: str, writer: TableWriter) -> None:
    TABLE_WRITERS[table] = writer
