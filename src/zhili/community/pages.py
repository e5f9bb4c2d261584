"""What every community page shares (议事厅, profiles, volunteers): the names of the divisions they show."""

from __future__ import annotations

from zhili.deps import DbSession
from zhili.divisions import repository as divisions


def division_names(session: DbSession, codes: set[str]) -> dict[str, str]:
    names = {}
    for code in codes:
        division = divisions.get(session, code)
        names[code] = division.name if division else code
    return names
