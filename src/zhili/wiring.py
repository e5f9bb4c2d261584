"""What one domain does at another's moment, wired once for every process (``zhili serve``, the worker
and every command): the domains below never import the ones above, so the ones above register here.

- A 12345 建议 demand flows to 人民建议征集 (``cases.flows`` intake hooks).
- Each analytics sync rewrites the store's suggestions table (``analytics.sync`` table writers).
"""

from __future__ import annotations


def wire() -> None:
    from zhili.analytics.store_schema import SUGGESTIONS
    from zhili.analytics.sync import add_table_writer
    from zhili.cases.flows import add_intake_hook
    from zhili.suggestions import store as suggestions_store
    from zhili.suggestions.hotline import on_intake as suggestion_intake

    add_intake_hook(suggestion_intake)
    add_table_writer(SUGGESTIONS, suggestions_store.rewrite)
