"""Build the rows to insert from a checked batch: tracking codes, encrypted personal data, deadlines
of cases still being handled, and one ``import`` event (plus the lead unit's assignment) per case."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from zhili.auth.policy import SYSTEM_ROLE
from zhili.cases.codes import advance_past, next_codes
from zhili.cases.context import CaseContext
from zhili.cases.importer.values import naive_utc
from zhili.cases.states import HANDLING_STATES, AssignmentRole, AssignmentStatus, CaseState, ClosureKind
from zhili.taxonomy import repository as taxonomy
from zhili.taxonomy.time_limits import CaseTraits, Limits, resolve_limits
from zhili.units.repository import receiving_centre

IMPORT_ACTOR = "import"
IMPORT_ACTION = "import"
IMPORT_NOTE = "历史数据导入"
OPEN_HANDLING = frozenset(state.value for state in HANDLING_STATES)
ASSIGNED = OPEN_HANDLING | {CaseState.reported.value, CaseState.visited.value}
LATEST_FIRST = ("closed_at", "visited_at", "reported_at", "contacted_at", "signed_at", "dispatched_at")


def import_key(values: dict[str, list[Any]], i: int) -> str:
    """A stable key for a row without a legacy code: its content, never its personal data. A second
    import of the same row finds the case the first one wrote (``cases.idempotency_key``)."""
    received = values["received_at"][i]
    parts = (
        received.isoformat() if received else "",
        values["demand_type"][i] or "",
        values["channel"][i] or "",
        values["title"][i] or "",
        values["description"][i] or "",
        values["address"][i] or "",
    )
    return hashlib.sha256(("import\x00" + "\x1f".join(parts)).encode()).hexdigest()


def subset(values: dict[str, list[Any]], keep: list[int]) -> dict[str, list[Any]]:
    return {name: [column[i] for i in keep] for name, column in values.items()}


@dataclass
class Rows:
    cases: dict[str, list[Any]]  # column of ``cases`` → values
    events: dict[str, list[Any]]
    assignments: dict[str, list[Any]]

    def __len__(self) -> int:
        return len(self.cases["id"])


class RowBuilder:
    """Per-import state: the time-limit rules resolved so far, and the file name for the events."""

    def __init__(self, session: Session, ctx: CaseContext, file_name: str) -> None:
        self.session = session
        self.ctx = ctx
        self.limits: dict[tuple[object, ...], Limits] = {}
        # Rules match a category only by prefix: categories under the same prefixes share limits.
        self.prefixes = sorted(
            {p.category_prefix for p in taxonomy.policies(session) if p.category_prefix}, key=len
        )
        self.event_data = json.dumps({"file": file_name}, ensure_ascii=False)
        # Legacy demands come in through the top-level centre, whose 待定位 queue holds those that
        # could not be located.
        self.centre = receiving_centre(session, None)
        prefix = re.escape(ctx.settings.city_prefix)
        self.own_code = re.compile(rf"^{prefix}(\d{{8}})(\d{{6,}})$")

    # -- tracking codes -----------------------------------------------------------------------------
    def codes(self, values: dict[str, list[Any]]) -> list[str]:
        """Legacy codes are kept; the others are reserved in bulk, one call per local day."""
        given: list[str | None] = values["code"]
        self._advance_counters([c for c in given if c])
        by_day: dict[str, list[int]] = defaultdict(list)
        local: dict[str, datetime] = {}
        for i, code in enumerate(given):
            if code is None:
                moment = values["received_at"][i].replace(tzinfo=UTC).astimezone(self.ctx.tz)
                day = moment.strftime("%Y%m%d")
                by_day[day].append(i)
                local.setdefault(day, moment)
        result = list(given)
        for day, indexes in sorted(by_day.items()):
            fresh = next_codes(self.session, self.ctx.settings.city_prefix, local[day], len(indexes))
            for i, code in zip(indexes, fresh, strict=True):
                result[i] = code
        return [c for c in result if c is not None]

    def _advance_counters(self, codes: list[str]) -> None:
        """A legacy code in zhili's own format moves that day's counter past it, so that codes handed
        out later never collide with it."""
        highest: dict[str, int] = {}
        for code in codes:
            match = self.own_code.match(code)
            if match:
                day, seq = match.group(1), int(match.group(2))
                highest[day] = max(highest.get(day, 0), seq)
        for day, seq in sorted(highest.items()):
            advance_past(self.session, day, seq)

    # -- deadlines ----------------------------------------------------------------------------------
    def _limits(self, traits: CaseTraits) -> Limits:
        code = traits.category_code or ""
        key = (
            traits.urgency,
            traits.demand_type,
            traits.unit_kind,
            traits.complex_case,
            tuple(p for p in self.prefixes if code.startswith(p)),
        )
        limits = self.limits.get(key)
        if limits is None:
            limits = self.limits[key] = resolve_limits(self.session, traits)
        return limits

    def deadlines(self, values: dict[str, list[Any]]) -> dict[str, list[datetime | None]]:
        """Cases still being handled get the deadlines of their round, counted from the dispatch."""
        n = len(values["state"])
        due: dict[str, list[datetime | None]] = {k: [None] * n for k in ("sign", "contact", "feedback")}
        tz = self.ctx.tz
        for i, state in enumerate(values["state"]):
            if state not in OPEN_HANDLING:
                continue
            traits = CaseTraits(
                urgency=values["urgency"][i],
                demand_type=values["demand_type"][i],
                category_code=values["category"][i],
                unit_kind=values["lead_unit_kind"][i],
                complex_case=False,
            )
            limits = self._limits(traits)
            start = values["dispatched_at"][i].replace(tzinfo=UTC)
            for which, column in due.items():
                column[i] = naive_utc(limits.due(start, which, tz))
        return {f"{which}_due": column for which, column in due.items()}

    # -- the rows -----------------------------------------------------------------------------------
    def seal(self, values: dict[str, list[Any]]) -> None:
        """Replace the personal columns by their ciphertext, exactly as ``cases.privacy.seal`` does;
        the clear values leave ``values`` here."""
        cipher = self.ctx.cipher
        encrypt = cipher.encrypt
        phones = values.pop("citizen_phone")
        values["citizen_name_enc"] = [encrypt(v) for v in values.pop("citizen_name")]
        values["citizen_phone_enc"] = [encrypt(v) for v in phones]
        values["citizen_id_number_enc"] = [encrypt(v) for v in values.pop("citizen_id_number")]
        values["citizen_phone_digest"] = [cipher.digest(v) if v else None for v in phones]

    def build(self, values: dict[str, list[Any]], ids: list[int], codes: list[str], now: datetime) -> Rows:
        """The rows of ``cases``, ``case_events`` and ``case_assignments`` for sealed ``values``."""
        n = len(ids)
        states = values["state"]
        visited = values["visited_at"]
        answered = [
            True if (s is not None or v is not None) else None
            for s, v in zip(values["satisfaction"], values["visit_solved"], strict=True)
        ]
        cases: dict[str, list[Any]] = {
            "id": ids,
            "code": codes,
            "version": [1] * n,  # the ORM's version_id_col: Core inserts must set it
            "demand_type": values["demand_type"],
            "urgency": values["urgency"],
            "category_id": values["category_id"],
            "channel": values["channel"],
            "title": values["title"],
            "description": values["description"],
            "division_code": values["division_code"],
            "district_code": values["district_code"],
            "street_code": values["street_code"],
            "community_code": values["community_code"],
            "h3_cell": values["h3_cell"],
            "lat": values["lat"],
            "lng": values["lng"],
            "address": values["address"],
            "location_confidence": values["location_confidence"],
            "citizen_name_enc": values["citizen_name_enc"],
            "citizen_phone_enc": values["citizen_phone_enc"],
            "citizen_id_number_enc": values["citizen_id_number_enc"],
            "citizen_phone_digest": values["citizen_phone_digest"],
            "confidential": values["confidential"],
            "state": states,
            "lead_unit_id": values["lead_unit_id"],
            "complex_case": [False] * n,
            "forced_assignment": [False] * n,
            "reply": values["reply"],
            "received_at": values["received_at"],
            "dispatched_at": values["dispatched_at"],
            "signed_at": values["signed_at"],
            "contacted_at": values["contacted_at"],
            "reported_at": values["reported_at"],
            "visited_at": visited,
            "closed_at": values["closed_at"],
            "updated_at": [_latest(values, i) for i in range(n)],
            **self.deadlines(values),
            "extended": [False] * n,
            "warning": [False] * n,
            "overdue": [False] * n,
            "return_count": [0] * n,
            "reopen_count": [0] * n,
            "visit_attempts": [1 if v is not None else 0 for v in visited],
            "visit_contacted": answered,
            "visit_solved": values["visit_solved"],
            "satisfaction": values["satisfaction"],
            "visit_comment": values["visit_comment"],
            "closure_kind": [ClosureKind.imported.value if s == "closed" else None for s in states],
            "created_by": [IMPORT_ACTOR] * n,
            "receiving_unit_id": [self.centre] * n,
            "idempotency_key": values["import_key"],
        }
        events: dict[str, list[Any]] = {
            "case_id": ids,
            "seq": [1] * n,
            "action": [IMPORT_ACTION] * n,
            "to_state": states,
            "actor": [IMPORT_ACTOR] * n,
            "actor_role": [SYSTEM_ROLE.value] * n,
            "at": [naive_utc(now)] * n,
            "note": [IMPORT_NOTE] * n,
            "public": [False] * n,
            "data": [self.event_data] * n,
        }
        return Rows(cases, events, _assignments(values, ids))


def _latest(values: dict[str, list[Any]], i: int) -> Any:
    for column in LATEST_FIRST:
        moment = values[column][i]
        if moment is not None:
            return moment
    return values["received_at"][i]


def _assignments(values: dict[str, list[Any]], ids: list[int]) -> dict[str, list[Any]]:
    """The lead unit's assignment for cases not yet closed, as dispatch and 签收 would have left it."""
    rows: dict[str, list[Any]] = {
        k: []
        for k in ("case_id", "unit_id", "role", "status", "assigned_at", "case_received_at", "checked_in_at")
    }
    for i, state in enumerate(values["state"]):
        unit = values["lead_unit_id"][i]
        if state not in ASSIGNED or unit is None:
            continue
        signed = values["signed_at"][i]
        rows["case_id"].append(ids[i])
        rows["unit_id"].append(unit)
        rows["role"].append(AssignmentRole.lead.value)
        rows["status"].append(
            AssignmentStatus.called.value
            if state == CaseState.dispatched
            else AssignmentStatus.checked_in.value
        )
        rows["assigned_at"].append(values["dispatched_at"][i] or values["received_at"][i])
        rows["case_received_at"].append(values["received_at"][i])
        rows["checked_in_at"].append(signed)
    return rows
