"""The analytical store's tables as Arrow schemas: one row per case, one row per case event.

No personal data: the citizen is present only as ``caller_key`` (a keyed digest of the phone, not
reversible without the server's key), the address only as ``address_key`` (a keyed digest) beside the
community; title and description are scrubbed of phone, ID and name patterns before they land here.
Times are UTC; ``local_date`` is the day in the city's time zone, which the views group by.
"""

from __future__ import annotations

import pyarrow as pa

from zhili.analytics.channel_schema import CHANNEL_SCHEMAS
from zhili.analytics.tables import CASES, EVENTS, SUGGESTIONS

PARTITION = "month"  # hive partition key: month=YYYY-MM of the local received day

_TS = pa.timestamp("us", tz="UTC")
_DICT = pa.dictionary(pa.int32(), pa.string())

CASE_SCHEMA = pa.schema(
    [
        ("case_id", pa.int64()),
        ("code", pa.string()),
        ("received_at", _TS),
        ("local_date", pa.date32()),
        ("local_hour", pa.int8()),
        ("demand_type", _DICT),
        ("urgency", _DICT),
        ("channel", _DICT),
        ("state", _DICT),
        ("category_code", _DICT),
        ("category_l1", _DICT),
        ("division_code", _DICT),  # finest known division; jurisdiction filters match its prefix
        ("district_code", _DICT),
        ("street_code", _DICT),
        ("community_code", _DICT),
        ("h3_cell", pa.int64()),  # H3 index (as integer) at the configured resolution
        ("address_key", pa.int64()),
        ("caller_key", pa.int64()),
        ("lead_unit", _DICT),
        ("title", pa.string()),
        ("description", pa.string()),
        ("keyword", _DICT),  # the taxonomy keyword the text matches best
        ("sentiment", pa.float32()),  # lexicon score in [-1, 1]; see analytics.text
        ("dispatched_at", _TS),
        ("closed_at", _TS),
        ("handle_hours", pa.float32()),  # received → 反馈 (or 办结) in hours; null while open
        ("overdue", pa.bool_()),
        ("return_count", pa.int16()),
        ("reopen_count", pa.int16()),
        ("visit_solved", pa.bool_()),
        ("satisfaction", _DICT),
        ("closure_kind", _DICT),
        ("updated_at", _TS),
    ]
)

EVENT_SCHEMA = pa.schema(
    [
        ("event_id", pa.int64()),
        ("case_id", pa.int64()),
        ("seq", pa.int32()),
        ("action", _DICT),
        ("from_state", _DICT),
        ("to_state", _DICT),
        ("actor_role", _DICT),
        ("at", _TS),
    ]
)

# 人民建议征集's suggestions, written whole by each sync (suggestions/store.py, registered in
# zhili.wiring): no code, no name, no phone; the text scrubbed as the cases' is. Partitioned by the
# local received month.
SUGGESTION_SCHEMA = pa.schema(
    [
        ("suggestion_id", pa.int64()),
        ("received_at", _TS),
        ("source", _DICT),
        ("state", _DICT),
        ("district", pa.string()),
        ("division_code", pa.string()),
        ("campaign", pa.string()),
        ("department", pa.string()),
        ("decided_month", pa.string()),
        ("adopted", pa.bool_()),
        ("has_result", pa.bool_()),
        ("excellent_year", pa.int32()),
        ("from_hotline", pa.bool_()),
        ("title", pa.string()),
        ("content", pa.string()),
    ]
)

# 信访 and disputes: channel_schema (rewritten by each sync, channel_sync).
SCHEMAS = {CASES: CASE_SCHEMA, EVENTS: EVENT_SCHEMA, SUGGESTIONS: SUGGESTION_SCHEMA, **CHANNEL_SCHEMAS}


def month_of(local_date_value: object) -> str:
    """Partition name of a local date (``datetime.date``)."""
    return f"{local_date_value:%Y-%m}"
