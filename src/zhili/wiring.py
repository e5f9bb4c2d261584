"""What one domain does at another's moment, wired once for every process (``zhili serve``, the worker
and every command): the domains below never import the ones above, so the ones above register here.

- A 12345 建议 demand flows to 人民建议征集 (``cases.hooks`` intake hooks).
- Each analytics sync rewrites the store's suggestions table (``analytics.writers`` table writers).

Only the registries are imported here; each registered function is imported at its first call, so a
command that takes no demand and syncs nothing pays for neither.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from typing import Any


class _Later:
    """The function ``module:name``, imported at its first call."""

    def __init__(self, target: str) -> None:
        self.target = target
        self._function: Callable[..., Any] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._function is None:
            self._function = pkgutil.resolve_name(self.target)
        return self._function(*args, **kwargs)


SUGGESTION_INTAKE = _Later("zhili.suggestions.hotline:on_intake")
SUGGESTIONS_REWRITE = _Later("zhili.suggestions.store:rewrite")


def wire() -> None:
    from zhili.analytics.tables import SUGGESTIONS
    from zhili.analytics.writers import add_table_writer
    from zhili.cases.hooks import add_intake_hook

    add_intake_hook(SUGGESTION_INTAKE)
    add_table_writer(SUGGESTIONS, SUGGESTIONS_REWRITE)
