"""Generated chunks as Arrow tables: in the analytical store's layout, or in the column format of
``zhili cases import``."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from zhili.analytics.store_schema import CASE_SCHEMA
from zhili.demo import profile
from zhili.demo.generator import CITY_UTC_OFFSET_US, STEPS, US_PER_HOUR, Chunk, YearGenerator

STATES = ("received", *STEPS)  # index = number of steps reached (dispatched → 1 … closed → 6)
STATE_NAMES = ("received", "dispatched", "signed", "contacted", "reported", "visited", "closed")
SATISFACTION = ("satisfied", "basically_satisfied", "unsatisfied")
REPLY = "经核实，已安排工作人员现场处置，并向市民反馈办理结果。"


def splitmix64(values: NDArray[np.int64], salt: int) -> NDArray[np.int64]:
    """A keyed 64-bit mix (SplitMix64): stable pseudonymous keys that do not reveal the input."""
    with np.errstate(over="ignore"):
        z = values.astype(np.uint64) ^ np.uint64(salt & 0xFFFFFFFFFFFFFFFF)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(1)).astype(np.int64)


def _dict(indices: NDArray[np.integer], names: list[str], valid: NDArray[np.bool_] | None = None) -> pa.Array:
    mask = None if valid is None else ~valid
    return pa.DictionaryArray.from_arrays(pa.array(indices.astype(np.int32), mask=mask), pa.array(names))


def _ts(values: NDArray[np.int64]) -> pa.Array:
    return pa.array(values, type=pa.timestamp("us", tz="UTC"), mask=values < 0)


def _state_index(chunk: Chunk) -> NDArray[np.int8]:
    reached = np.zeros(len(chunk), dtype=np.int8)
    for i, step in enumerate(STEPS, start=1):
        reached = np.where(chunk.steps[step] >= 0, i, reached).astype(np.int8)
    return reached


def store_table(gen: YearGenerator, chunk: Chunk) -> pa.Table:
    geo, vocab, n = gen.geo, gen.vocab, len(chunk)
    cats = gen.categories
    state = _state_index(chunk)
    done = np.where(chunk.direct, chunk.steps["closed"], chunk.steps["reported"])
    handle = np.where(done >= 0, (done - chunk.received_us) / US_PER_HOUR, np.nan).astype(np.float32)
    updated = chunk.received_us.copy()
    for step in STEPS:
        updated = np.maximum(updated, chunk.steps[step])
    codes = pa.array(np.char.add("SYN", (chunk.first_id + np.arange(n)).astype(str)))
    l1_names = sorted({c.code[:2] for c in cats})
    l1_index = np.array([l1_names.index(c.code[:2]) for c in cats])[chunk.category]
    urgency = np.where(gen.rng.random(n) < 0.03, 1, 0)
    columns = {
        "case_id": pa.array(chunk.first_id + np.arange(n, dtype=np.int64)),
        "code": codes,
        "received_at": _ts(chunk.received_us),
        "local_date": pa.array(chunk.day, type=pa.date32()),
        "local_hour": pa.array(chunk.hour),
        "demand_type": _dict(chunk.demand_type, list(profile.DEMAND_TYPES)),
        "urgency": _dict(urgency, ["ordinary", "urgent"]),
        "channel": _dict(chunk.channel, list(profile.CHANNELS)),
        "state": _dict(state, list(STATE_NAMES)),
        "category_code": _dict(chunk.category, [c.code for c in cats]),
        "category_l1": _dict(l1_index, l1_names),
        "division_code": _dict(chunk.community, geo.community_codes),
        "district_code": _dict(chunk.district, geo.district_codes),
        "street_code": _dict(chunk.street, geo.street_codes),
        "community_code": _dict(chunk.community, geo.community_codes),
        "h3_cell": pa.array(geo.site_h3[chunk.site]),
        "address_key": pa.array(splitmix64(chunk.site, gen.seed * 7919 + 1)),
        "caller_key": pa.array(splitmix64(chunk.caller, gen.seed * 7919 + 2)),
        "lead_unit": _dict(chunk.lead_unit_index, chunk.lead_unit_names, ~chunk.direct),
        "title": _dict(chunk.title, vocab.titles),
        "description": _dict(chunk.description, vocab.descriptions),
        "keyword": _dict(chunk.keyword, vocab.keywords),
        "sentiment": pa.array(vocab.description_sentiment[chunk.description]),
        "dispatched_at": _ts(chunk.steps["dispatched"]),
        "closed_at": _ts(chunk.steps["closed"]),
        "handle_hours": pa.array(handle, from_pandas=True),
        "overdue": pa.array(chunk.overdue),
        "return_count": pa.array(chunk.returns),
        "reopen_count": pa.array(chunk.reopens),
        "visit_solved": pa.array(chunk.solved == 1, mask=chunk.solved < 0),
        "satisfaction": _dict(np.maximum(chunk.satisfaction, 0), list(SATISFACTION), chunk.satisfaction >= 0),
        "closure_kind": _dict(
            np.where(chunk.direct, 1, 0), ["handled", "direct"], chunk.steps["closed"] >= 0
        ),
        "updated_at": _ts(updated),
    }
    # Strings that the schema wants plain are cast; dictionaries keep their shape.
    arrays = [columns[f.name].cast(f.type) for f in CASE_SCHEMA]
    return pa.Table.from_arrays(arrays, schema=CASE_SCHEMA)


IMPORT_SCHEMA_NOTE = "times are UTC timestamps; the importer converts them"


def import_table(gen: YearGenerator, chunk: Chunk, *, with_phones: bool) -> pa.Table:
    """Rows for ``zhili cases import`` (see bench/README.md). Phones only with ``with_phones``:
    synthetic 170-prefixed numbers derived from the caller index, for a database demo."""
    geo, vocab = gen.geo, gen.vocab
    cats = gen.categories
    state = _state_index(chunk)
    site_in_community = chunk.site % 32 + 1
    address_names = [
        f"{geo.community_names[c]}{b}号楼"
        for c, b in zip(chunk.community.tolist(), site_in_community.tolist(), strict=True)
    ]
    reported = chunk.steps["reported"] >= 0
    columns: dict[str, pa.Array] = {
        "demand_type": _dict(chunk.demand_type, list(profile.DEMAND_TYPES)).cast(pa.string()),
        "category": _dict(chunk.category, [c.code for c in cats]).cast(pa.string()),
        "channel": _dict(chunk.channel, list(profile.CHANNELS)).cast(pa.string()),
        "title": _dict(chunk.title, vocab.titles).cast(pa.string()),
        "description": _dict(chunk.description, vocab.descriptions).cast(pa.string()),
        "address": pa.array(address_names),
        "lat": pa.array(chunk.lat),
        "lng": pa.array(chunk.lng),
        "district_code": _dict(chunk.district, geo.district_codes).cast(pa.string()),
        "street_code": _dict(chunk.street, geo.street_codes).cast(pa.string()),
        "community_code": _dict(chunk.community, geo.community_codes).cast(pa.string()),
        "received_at": _ts(chunk.received_us),
        "state": _dict(state, list(STATE_NAMES)).cast(pa.string()),
        **{f"{step}_at": _ts(chunk.steps[step]) for step in STEPS},
        "lead_unit": _dict(chunk.lead_unit_index, chunk.lead_unit_names, ~chunk.direct).cast(pa.string()),
        "reply": pa.array([REPLY if done else None for done in reported.tolist()], type=pa.string()),
        "satisfaction": _dict(
            np.maximum(chunk.satisfaction, 0), list(SATISFACTION), chunk.satisfaction >= 0
        ).cast(pa.string()),
        "visit_solved": pa.array(
            [None if v < 0 else ("是" if v == 1 else "否") for v in chunk.solved.tolist()], type=pa.string()
        ),
    }
    if with_phones:
        numbers = 17_000_000_000 + (chunk.caller % 100_000_000)
        columns["citizen_phone"] = pa.array(numbers.astype(str))
    return pa.table(columns)


__all__ = ["CITY_UTC_OFFSET_US", "import_table", "splitmix64", "store_table"]
