"""The store's table names (their schemas: ``zhili.analytics.store_schema``, which needs pyarrow)."""

from __future__ import annotations

CASES = "cases"
EVENTS = "events"
SUGGESTIONS = "suggestions"
