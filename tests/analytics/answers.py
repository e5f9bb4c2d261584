"""The documented keys of each analytics answer (``zhili.analytics.schemas``), written out so that a
key dropped from a model or from a view fails the tests."""

from __future__ import annotations

ROW = {"key", "label", "count"}
HANDLING = ROW | {"closed", "mean_hours", "median_hours", "overdue_rate", "solved_rate", "satisfied_rate"}
SENTIMENT = ROW | {"mean", "negative_share"}
DISTRICT = ROW | {"population", "population_year", "per_10k", "population_note"}
CELL = {"cell", "count", "lat", "lng"}
TOP_PROBLEM = {"category", "label", "count", "keywords", "streets"}
KEYWORD = {"keyword", "count"}
ADDRESS = {
    "token", "count", "community", "community_label", "category", "category_label", "categories",
    "first", "last",
}  # fmt: skip
CALLERS = {"distribution", "top"}
CALLER_BUCKET = {"bucket", "callers", "cases"}
CALLER = {"token", "count", "categories", "street", "street_label"}
WARNING = {
    "street", "street_label", "district", "category", "category_label", "window_start", "window_end",
    "observed", "expected", "p_value", "q_value",
}  # fmt: skip
FORECAST = {"category", "label", "history", "forecast"}
WEEK = {"week", "count"}
RECURRING = {"community_code", "category_code", "count", "weeks", "community_label", "category_label"}
CONSOLE = {"columns", "rows", "truncated", "row_cap", "byte_cap", "notice"}

MEASURES = {"volume", "recurrence", "spread", "growth", "score"}
CANDIDATE = {"category", "category_label", "area", "area_label", "keyword"} | MEASURES
TOPIC = {
    "id", "month", "title", "category", "area", "keyword", "score", "metrics", "status", "chosen_by",
    "chosen_at", "cases",
}  # fmt: skip
DEMAND = {
    "pivot", "days", "before", "after", "after_days_observed", "before_per_day", "after_per_day", "change",
}  # fmt: skip
TASK = {
    "id", "kind", "topic_id", "unit", "unit_name", "title", "note", "due_at", "status", "outcome",
    "done_at", "warning",
}  # fmt: skip
TASK_WARNING = {"street", "category", "window_start", "window_end", "observed", "expected", "q_value"}
