"""The analytical store's 信访 and 矛盾纠纷 tables: one row per 信访事项 and one per dispute.

Matter level only, and no personal data: no petitioner or party (not even a digest), no address,
no staff; titles are scrubbed (``scrubbing.scrub``) of the names and phones of the people involved
and of anything that looks like personal data. Partitioned by the local month of receipt.
"""

from __future__ import annotations

import pyarrow as pa

PETITIONS = "petitions"
DISPUTES = "disputes"

_TS = pa.timestamp("us", tz="UTC")
_DICT = pa.dictionary(pa.int32(), pa.string())

PETITION_SCHEMA = pa.schema(
    [
        ("matter_id", pa.int64()),
        ("code", pa.string()),  # the matter's code (not the petitioner's tracking code)
        ("received_at", _TS),
        ("local_date", pa.date32()),
        ("channel", _DICT),  # of the first petition
        ("petitions", pa.int32()),  # petitions on the matter, repeats included
        ("category_code", _DICT),
        ("division_code", _DICT),
        ("district_code", _DICT),
        ("office_unit", _DICT),
        ("handling_unit", _DICT),
        ("state", _DICT),
        ("decided_at", _TS),
        ("decided_on_time", pa.bool_()),
        ("replied_at", _TS),
        ("replied_on_time", pa.bool_()),
        ("extended", pa.bool_()),
        ("concluded_at", _TS),
        ("satisfaction", _DICT),
        ("led", pa.bool_()),  # a 包案 leader is assigned (who is not stored)
        ("title", pa.string()),  # scrubbed
    ]
)

DISPUTE_SCHEMA = pa.schema(
    [
        ("dispute_id", pa.int64()),
        ("code", pa.string()),
        ("received_at", _TS),
        ("local_date", pa.date32()),
        ("kind", _DICT),
        ("source", _DICT),
        ("track", _DICT),
        ("state", _DICT),
        ("division_code", _DICT),
        ("district_code", _DICT),
        ("sessions", pa.int32()),
        ("outcome", _DICT),
        ("concluded_at", _TS),
        ("confirmation", _DICT),
        ("performed", pa.bool_()),
        ("title", pa.string()),  # scrubbed
    ]
)

CHANNEL_SCHEMAS = {PETITIONS: PETITION_SCHEMA, DISPUTES: DISPUTE_SCHEMA}
