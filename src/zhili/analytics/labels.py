"""Chinese labels for the codes the views group by.

Division and category names come from the database (the divisions and taxonomy tables), so an
imported city and a renamed category show their own names; the fixed vocabularies (channel, demand
type, state) come from their enums. A ``Labels`` belongs to one request or one command, and reads only
the names its views ask for: the divisions of the codes in an answer (a view by community needs a few
hundred of a city's thousands), and the categories once. Nothing outlives the request, so nothing can go
stale and there is nothing to invalidate.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from zhili.cases.states import STATE_LABELS
from zhili.divisions import repository as divisions
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.enums import CHANNEL_LABELS, DEMAND_TYPE_LABELS

DIVISION_DIMENSIONS = frozenset({"district", "street", "community"})
CATEGORY_DIMENSIONS = frozenset({"category", "category_l1"})
FIXED: dict[str, dict[str, str]] = {
    "channel": {k.value: v for k, v in CHANNEL_LABELS.items()},
    "demand_type": {k.value: v for k, v in DEMAND_TYPE_LABELS.items()},
    "state": {k.value: v for k, v in STATE_LABELS.items()},
}


class Names(dict[str, str]):
    """The names of one dimension, called with a key as it comes out of a query (or None)."""

    def __call__(self, key: object) -> str | None:
        return None if key is None else self.get(str(key))


class Labels:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._divisions: dict[str, str | None] = {}  # every code asked for so far, None when unknown
        self._categories: dict[str, str] | None = None

    def names(self, dimension: str, keys: Iterable[object]) -> Names:
        """Names of ``keys`` in ``dimension``; dimensions without names (time, lead unit) give none."""
        if dimension in FIXED:
            return Names(FIXED[dimension])
        if dimension in CATEGORY_DIMENSIONS:
            if self._categories is None:
                self._categories = taxonomy.names(self._session)
            return Names(self._categories)
        if dimension not in DIVISION_DIMENSIONS:
            return Names()
        wanted = {str(key) for key in keys if key is not None}
        missing = wanted - self._divisions.keys()
        if missing:
            found = divisions.names_of(self._session, missing)
            self._divisions.update({code: found.get(code) for code in missing})
        return Names({code: name for code in wanted if (name := self._divisions[code]) is not None})
