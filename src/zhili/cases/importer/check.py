"""Check one batch of import rows. Every problem is reported with the row, the column and a Chinese
reason; a row with any problem is refused whole. Personal data is never quoted in a reason.

Simple columns are checked a whole column at a time; the state, its times and the location are
checked row by row because they depend on each other.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from zhili.cases.context import CaseContext
from zhili.cases.importer.columns import COLUMNS, STEP_TIMES, TIME_COLUMNS
from zhili.cases.importer.read import RawBatch
from zhili.cases.importer.values import (
    CHANNELS,
    DEMAND_TYPES,
    OTHER_STATES,
    SATISFACTIONS,
    STATES,
    URGENCIES,
    booleans,
    floats,
    lookup,
    naive_utc,
    texts,
    times,
)
from zhili.cases.schemas import ID_NUMBER, LANDLINE, MAX_TEXT, MAX_TITLE, MOBILE
from zhili.cases.states import MAIN_LINE, STATE_LABELS, CaseState
from zhili.divisions.models import DivisionLevel
from zhili.divisions.resolver import Resolver
from zhili.divisions.results import Location
from zhili.divisions.shared import shared_resolver
from zhili.errors import ValidationFailed
from zhili.kernel.fields import text_problem
from zhili.taxonomy.enums import Urgency
from zhili.taxonomy.models import Category
from zhili.units.models import Unit

CODE = re.compile(r"^[A-Za-z0-9_-]{1,24}$")
FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_ADDRESS = 300
MAX_NAME = 50
STATE_ORDER = list(MAIN_LINE)
HANDLING = frozenset({CaseState.dispatched, CaseState.signed, CaseState.contacted, CaseState.reported})
# The columns each state's own time lives in (received_at for 已受理).
STATE_TIME = dict(zip(STATE_ORDER, TIME_COLUMNS, strict=True))
LEVEL_OF_COLUMN = {
    "district_code": DivisionLevel.district,
    "street_code": DivisionLevel.street,
    "community_code": DivisionLevel.community,
}
LOCATION_CACHE_LIMIT = 100_000


@dataclass
class Lookups:
    """Reference data read once per import."""

    categories: dict[str, int]
    units: dict[str, tuple[int, str, bool]]  # code → (id, kind, active)
    resolver: Resolver
    located: dict[tuple[Any, ...], Location | ValidationFailed] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, ctx: CaseContext) -> Lookups:
        resolver = ctx.resolver or shared_resolver(session, ctx.settings.h3_resolution)
        categories = dict(session.execute(select(Category.code, Category.id)).all())
        units = {
            code: (uid, kind.value if hasattr(kind, "value") else str(kind), bool(active))
            for code, uid, kind, active in session.execute(select(Unit.code, Unit.id, Unit.kind, Unit.active))
        }
        return cls(categories, units, resolver)

    def locate(self, lat: float | None, lng: float | None, address: str | None) -> Location:
        key = (lat, lng, address)
        found = self.located.get(key)
        if found is None:
            try:
                found = self.resolver.locate(lat=lat, lng=lng, address=address)
            except ValidationFailed as exc:
                found = exc
            if len(self.located) < LOCATION_CACHE_LIMIT:
                self.located[key] = found
        if isinstance(found, ValidationFailed):
            raise found
        return found


@dataclass
class Refusal:
    row: int
    column: str
    reason: str


@dataclass
class Checked:
    """The rows of a batch that passed, as columns of values, and the refusals of the others."""

    accepted: list[int]  # indexes into the raw batch
    values: dict[str, list[Any]]  # one list per column, accepted rows only
    refusals: list[Refusal]
    refused_rows: set[int]


class BatchCheck:
    def __init__(self, batch: RawBatch, lookups: Lookups, ctx: CaseContext, now: datetime) -> None:
        self.batch = batch
        self.lookups = lookups
        self.ctx = ctx
        self.now = now
        self.errors: dict[int, list[tuple[str, str]]] = defaultdict(list)
        self.values: dict[str, list[Any]] = {}

    def bad(self, index: int, column: str, reason: str) -> None:
        self.errors[index].append((column, reason))

    # -- column checks ----------------------------------------------------------------------------
    def text(self, column: str, *, required: bool = False, limit: int | None = None, what: str = "") -> None:
        values = texts(self.batch.column(column))
        what = what or COLUMNS[column]
        for i, v in enumerate(values):
            if v is None:
                if required:
                    self.bad(i, column, f"{what}不能为空")
            elif limit is not None and len(v) > limit:
                self.bad(i, column, f"{what}超过 {limit} 字（共 {len(v)} 字）")
            elif problem := text_problem(v):
                self.bad(i, column, f"{what}{problem}")
        self.values[column] = values

    def word(self, column: str, words: dict[str, str], what: str, *, required: bool = False) -> None:
        raw = texts(self.batch.column(column))
        values = lookup(raw, words)
        for i, (given, value) in enumerate(zip(raw, values, strict=True)):
            if given is None:
                if required:
                    self.bad(i, column, f"{what}不能为空")
            elif value is None:
                self.bad(i, column, f"未知的{what}：{given[:32]}")
        self.values[column] = values

    def state(self) -> None:
        raw = texts(self.batch.column("state"))
        values = lookup(raw, STATES)
        for i, (given, value) in enumerate(zip(raw, values, strict=True)):
            if given is None:
                self.bad(i, "state", "状态不能为空")
            elif value is None:
                if given in OTHER_STATES:
                    importable = "、".join(STATE_LABELS[s] for s in STATE_ORDER)
                    self.bad(i, "state", f"不支持导入的状态：{given}（可导入：{importable}）")
                else:
                    self.bad(i, "state", f"未知的状态：{given[:32]}")
        self.values["state"] = values

    def reference(self, column: str, table: dict[str, Any], what: str) -> list[Any]:
        raw = texts(self.batch.column(column))
        found = [table.get(v) if v is not None else None for v in raw]
        for i, (given, hit) in enumerate(zip(raw, found, strict=True)):
            if given is not None and hit is None:
                self.bad(i, column, f"未知的{what}：{given[:32]}")
        self.values[column] = raw
        return found

    def code(self) -> None:
        values = texts(self.batch.column("code"))
        first: dict[str, int] = {}
        for i, v in enumerate(values):
            if v is None:
                continue
            if not CODE.match(v):
                self.bad(i, "code", "编号格式不正确（最多 24 位字母、数字、- 或 _）")
            elif v in first:
                self.bad(i, "code", f"文件中编号重复（与第 {self.batch.rows[first[v]]} 行相同）")
            else:
                first[v] = i
        self.values["code"] = values

    def personal(self) -> None:
        names = texts(self.batch.column("citizen_name"))
        phones = texts(self.batch.column("citizen_phone"))
        ids = texts(self.batch.column("citizen_id_number"))
        for i, name in enumerate(names):
            if name is not None and len(name) > MAX_NAME:
                self.bad(i, "citizen_name", f"姓名超过 {MAX_NAME} 字")
            elif name is not None and (problem := text_problem(name)):
                self.bad(i, "citizen_name", f"姓名{problem}")
        for i, phone in enumerate(phones):
            if phone is not None and not (MOBILE.match(phone) or LANDLINE.match(phone)):
                self.bad(i, "citizen_phone", "电话号码格式不正确（手机号 11 位，或区号-座机号）")
        for i, number in enumerate(ids):
            if number is not None:
                if not ID_NUMBER.match(number):
                    self.bad(i, "citizen_id_number", "身份证号码格式不正确（18 位）")
                else:
                    ids[i] = number.upper()
        self.values.update(citizen_name=names, citizen_phone=phones, citizen_id_number=ids)

    def flags(self, column: str, what: str) -> None:
        values, bad = booleans(texts(self.batch.column(column)))
        for i in bad:
            self.bad(i, column, f"无法识别的{what}（应为 是/否）")
        self.values[column] = values

    def coordinates(self) -> None:
        lat, bad_lat = floats(self.batch.column("lat"))
        lng, bad_lng = floats(self.batch.column("lng"))
        for i in bad_lat:
            self.bad(i, "lat", "纬度不是数字")
        for i in bad_lng:
            self.bad(i, "lng", "经度不是数字")
        for i, (a, b) in enumerate(zip(lat, lng, strict=True)):
            if (a is None) != (b is None):
                self.bad(i, "lat" if a is None else "lng", "经纬度须同时提供")
            elif a is not None and b is not None:
                if not -90 <= a <= 90:
                    self.bad(i, "lat", "纬度应在 -90 到 90 之间")
                if not -180 <= b <= 180:
                    self.bad(i, "lng", "经度应在 -180 到 180 之间")
        self.values.update(lat=lat, lng=lng)

    def moments(self) -> None:
        latest = naive_utc(self.now) + FUTURE_TOLERANCE
        for column in TIME_COLUMNS:
            values, bad = times(self.batch.column(column), self.ctx.tz)
            for i in bad:
                self.bad(i, column, f"{COLUMNS[column]}{BAD_TIME}")
            for i, moment in enumerate(values):
                if moment is not None and moment > latest:
                    self.bad(i, column, f"{COLUMNS[column]}晚于当前时间")
            self.values[column] = values
        for i, received in enumerate(self.values["received_at"]):
            if received is None and not any(c == "received_at" for c, _ in self.errors.get(i, ())):
                self.bad(i, "received_at", "受理时间不能为空")


BAD_TIME = "格式不正确或超出范围（应为 2024-03-01 10:00:00 或 ISO 8601，1900–2999 年）"


def check_batch(batch: RawBatch, lookups: Lookups, ctx: CaseContext, now: datetime) -> Checked:
    check = BatchCheck(batch, lookups, ctx, now)
    check.code()
    check.word("demand_type", DEMAND_TYPES, "诉求类型", required=True)
    check.word("urgency", URGENCIES, "紧急程度")
    check.word("channel", CHANNELS, "渠道", required=True)
    check.state()
    categories = check.reference("category", lookups.categories, "诉求分类")
    units = check.reference("lead_unit", lookups.units, "主办单位")
    check.text("title", required=True, limit=MAX_TITLE)
    check.text("description", required=True, limit=MAX_TEXT)
    check.text("address", limit=MAX_ADDRESS)
    check.text("reply", limit=MAX_TEXT)
    check.text("visit_comment", limit=MAX_TEXT)
    for column in LEVEL_OF_COLUMN:
        check.values[column] = texts(batch.column(column))
    check.personal()
    check.flags("confidential", "保密标记")
    check.flags("visit_solved", "是否解决")
    check.word("satisfaction", SATISFACTIONS, "满意度")
    check.coordinates()
    check.moments()
    check.values["category_id"] = categories
    check.values["lead_unit_id"] = [u[0] if u else None for u in units]
    check.values["lead_unit_kind"] = [u[1] if u else None for u in units]
    for i, unit in enumerate(units):
        state = check.values["state"][i]
        if unit and not unit[2] and state not in (None, CaseState.closed.value):
            check.bad(i, "lead_unit", "主办单位已停用（未办结的诉求须由在用单位承办）")
    _check_lifecycle(check)
    _check_locations(check)
    return _collect(check)


def _check_lifecycle(check: BatchCheck) -> None:
    """The final state must agree with the times: its own time present, no later step's time, times
    in lifecycle order; a dispatched case names its lead unit; a 回访 result needs its time."""
    v = check.values
    for i, state_value in enumerate(v["state"]):
        if state_value is None or (i in check.errors and any(c in TIME_COLUMNS for c, _ in check.errors[i])):
            continue
        state = CaseState(state_value)
        position = STATE_ORDER.index(state)
        label = STATE_LABELS[state]
        own = STATE_TIME[state]
        if v[own][i] is None:
            check.bad(i, own, f"状态为“{label}”时须填写{COLUMNS[own]}（{own}）")
        for column in STEP_TIMES[position:]:
            if v[column][i] is not None:
                check.bad(i, column, f"状态为“{label}”，不应有{COLUMNS[column]}（{column}）")
        previous, previous_column = v["received_at"][i], "received_at"
        for column in STEP_TIMES:
            moment = v[column][i]
            if moment is None:
                continue
            if previous is not None and moment < previous:
                check.bad(i, column, f"{COLUMNS[column]}早于{COLUMNS[previous_column]}")
            previous, previous_column = moment, column
        if state in HANDLING:
            if v["dispatched_at"][i] is None and state != CaseState.dispatched:
                check.bad(i, "dispatched_at", f"状态为“{label}”时须填写派单时间（dispatched_at）")
            if v["lead_unit"][i] is None:
                check.bad(i, "lead_unit", f"状态为“{label}”时须填写主办单位（lead_unit）")
        elif v["dispatched_at"][i] is not None and v["lead_unit"][i] is None:
            check.bad(i, "lead_unit", "已派单的诉求须填写主办单位（lead_unit）")
        has_visit = v["satisfaction"][i] is not None or v["visit_solved"][i] is not None
        if has_visit and v["visited_at"][i] is None:
            check.bad(i, "visited_at", "填写了回访结果（满意度/是否解决），但缺少回访时间（visited_at）")


def _check_locations(check: BatchCheck) -> None:
    """Division codes as recorded by the legacy system win; otherwise the Resolver places the row."""
    v = check.values
    n = len(check.batch)
    division: list[str | None] = [None] * n
    district: list[str | None] = [None] * n
    street: list[str | None] = [None] * n
    community: list[str | None] = [None] * n
    cells: list[str | None] = [None] * n
    confidence: list[float | None] = [None] * n
    names = check.lookups.resolver.gazetteer.names
    resolver = check.lookups.resolver
    for i in range(n):
        if i in check.errors and any(c in ("lat", "lng", "address") for c, _ in check.errors[i]):
            continue
        d, s, c = v["district_code"][i], v["street_code"][i], v["community_code"][i]
        lat, lng, address = v["lat"][i], v["lng"][i], v["address"][i]
        if d or s or c:
            failed = False
            for column, code in (("district_code", d), ("street_code", s), ("community_code", c)):
                entry = names.get(code) if code else None
                if code and (entry is None or entry[1] != LEVEL_OF_COLUMN[column]):
                    check.bad(i, column, f"未知的{COLUMNS[column]}：{code[:16]}")
                    failed = True
            if failed:
                continue
            s = s or (c[:9] if c else None)
            d = d or (s[:6] if s else None)
            if (c and s and not c.startswith(s)) or (s and d and not s.startswith(d)):
                check.bad(i, "community_code" if c else "street_code", "区、街乡、社区编码上下级不一致")
                continue
            if (s and s not in names) or (d and d not in names):
                check.bad(i, "street_code" if s and s not in names else "district_code", "上级行政区划不存在")
                continue
            district[i], street[i], community[i] = d, s, c
            division[i] = c or s or d
            confidence[i] = 1.0
            if lat is not None and lng is not None:
                cells[i] = resolver.cell(lat, lng)
        elif lat is not None or address:
            try:
                location = check.lookups.locate(lat, lng, address)
            except ValidationFailed as exc:
                field_name = exc.field if exc.field in COLUMNS else "address"
                check.bad(i, field_name, exc.message)
                continue
            deepest = location.community or location.street or location.district
            district[i] = location.district.code if location.district else None
            street[i] = location.street.code if location.street else None
            community[i] = location.community.code if location.community else None
            division[i] = deepest.code if deepest else None
            cells[i] = location.cell
            confidence[i] = location.confidence
    v.update(
        division_code=division,
        district_code=district,
        street_code=street,
        community_code=community,
        h3_cell=cells,
        location_confidence=confidence,
    )


def _collect(check: BatchCheck) -> Checked:
    rows = check.batch.rows
    refusals = [
        Refusal(rows[i], column, reason) for i in sorted(check.errors) for column, reason in check.errors[i]
    ]
    accepted = [i for i in range(len(rows)) if i not in check.errors]
    values = {name: [column[i] for i in accepted] for name, column in check.values.items()}
    values["urgency"] = [u or Urgency.ordinary.value for u in values["urgency"]]
    values["confidential"] = [bool(c) for c in values["confidential"]]
    return Checked(accepted, values, refusals, set(check.errors))
