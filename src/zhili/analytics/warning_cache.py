"""Early warnings kept per day and reach, until the rollup months they were computed from change.

A day's warnings for a city or a district are a pure function of ``rollup_street_days`` over the
detector's 36 days (window, guard gap and history) and of the detector's settings. They are computed
the first time someone asks and written to ``<store>/_warnings/`` with the names, sizes and times of
those months' rollup files. Later asks read that file while the files are the same; a sync that
rewrites one of those months changes them, and the next ask computes again. So a district's analysts
opening the dashboard every morning run the detector once, not once each.

Only reaches the rollup expresses at city or district level are kept (a few dozen per day); a street's
cube is small and computed each time. Files of days more than ``KEEP_DAYS`` before the newest are
removed whenever a new one is written. A store that cannot be written (read-only mount) still answers:
the warnings are then computed each time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from zhili.analytics import detect, rollups
from zhili.analytics.filters import Reach
from zhili.analytics.store import Store
from zhili.kernel import months

FOLDER = "_warnings"
KEEP_DAYS = 62
_KEPT_LEVELS = {2, 6}  # city and district codes
log = logging.getLogger(__name__)

Alarms = list[dict[str, Any]]


def _key(scope: Reach, as_of: date, config: detect.DetectorConfig) -> str | None:
    if not scope.everything and any(len(c) not in _KEPT_LEVELS for c in scope.division_codes):
        return None
    if rollups.reach_columns(scope) is None:
        return None
    clause, params = rollups.reach_clause(scope)
    payload = json.dumps([clause, params, asdict(config)], sort_keys=True, default=str)
    return f"{as_of.isoformat()}-{hashlib.sha256(payload.encode()).hexdigest()[:24]}"


def _version(store: Store, start: date, end: date) -> str:
    """The rollup files of the months from ``start`` to ``end``: name, size and modification time."""
    table = rollups.BY_NAME["street_days"].table
    parts = []
    month = months.shift(start, 0)
    while month <= end:
        for path in store.files(table, f"{month:%Y-%m}"):
            stat = path.stat()
            parts.append(f"{month:%Y-%m}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
        month = months.shift(month, 1)
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def kept(
    store: Store,
    scope: Reach,
    start: date,
    as_of: date,
    config: detect.DetectorConfig,
    compute: Callable[[], Alarms],
) -> Alarms:
    """``compute()``'s alarms for the day, read from the kept file while its rollup months are unchanged."""
    key = _key(scope, as_of, config)
    if key is None or not store.has_data(rollups.BY_NAME["street_days"].table):
        return compute()  # without the rollup the cube comes from the cases, which this cannot follow
    path = store.root / FOLDER / f"{key}.json"
    version = _version(store, start, as_of)
    try:
        data = json.loads(path.read_bytes())
        if data.get("version") == version:
            alarms: Alarms = data["alarms"]
            return alarms
    except (OSError, ValueError, KeyError, TypeError):
        pass  # not kept yet, or unreadable: compute it
    alarms = compute()
    if _version(store, start, as_of) == version:  # no sync rewrote the months meanwhile
        _write(path, {"version": version, "alarms": alarms}, as_of)
    return alarms


def _write(path: Path, data: dict[str, Any], as_of: date) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, path)
        _prune(path.parent, as_of - timedelta(days=KEEP_DAYS))
    except OSError as exc:  # a read-only store still answers, computing each time
        log.warning("early warnings not kept: %s", type(exc).__name__)


def _prune(folder: Path, before: date) -> None:
    for old in folder.glob("*.json"):
        try:
            day = date.fromisoformat(old.name[:10])
        except ValueError:
            continue
        if day < before:
            old.unlink(missing_ok=True)
