"""Routing: which unit leads a case (主办) and which help (协办), from rules that are data.

A rule matches when each of its matchers is empty or matches: the case's category code starts with
``category_prefix``, its finest division code starts with ``division_prefix``, and its demand type
equals ``demand_type``. The winner is the highest priority, then the most specific rule (longer
prefixes, a demand type), then the newest. With no rule, the category's ``default_unit_type``
decides, resolved against the case's location:

- street-level types (``STREET_LEVEL_TYPES``, 街乡吹哨) → the street or town office ``S<street>`` (直派);
- a department type → the district's department ``D<district>-<type>``;
- a type only the city has (traffic police, utilities …) → the city department or enterprise;
- nothing found → the district government ``G<district>`` (兜底).

Rules, units and categories are read once into a :class:`Snapshot`, cached per database; a rule
write invalidates it at once, and it is re-read every ``SNAPSHOT_TTL`` seconds for other writers.
That re-read (a few milliseconds: every unit and category) happens on a background thread while
intakes go on with the previous snapshot, so no intake waits for it — at a real hotline's pace,
seconds between intakes, most of them would otherwise. Sessions bound to a connection (tests, a
caller's own transaction) re-read in line, inside that transaction.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from zhili.taxonomy.models import Category
from zhili.triage.models import RoutingRule
from zhili.units.directory import unit_type_label
from zhili.units.models import Unit, UnitKind

STREET = "street"
STREET_LEVEL_TYPES = frozenset({STREET, "urban_management", "law_enforcement", "civil_affairs"})
SNAPSHOT_TTL = 10.0
# How a suggestion was routed, as the dispatcher reads it.
MODE_LABELS = {
    "street": "直派街乡",
    "department": "区级主管部门",
    "city": "市级部门或公共服务企业",
    "direct": "规则指定单位",
    "fallback": "区政府兜底",
    "none": "需人工派单",
}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    category_prefix: str | None
    division_prefix: str | None
    demand_type: str | None
    lead_unit_code: str | None
    lead_unit_type: str | None
    co_unit_codes: tuple[str, ...]
    priority: int

    def matches(self, category: str | None, division: str | None, demand_type: str | None) -> bool:
        if self.category_prefix and not (category or "").startswith(self.category_prefix):
            return False
        if self.division_prefix and not (division or "").startswith(self.division_prefix):
            return False
        return not (self.demand_type and self.demand_type != demand_type)

    def sort_key(self) -> tuple[int, int, int]:
        specificity = len(self.category_prefix or "") + len(self.division_prefix or "")
        return (self.priority, specificity + (1 if self.demand_type else 0), self.id)

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "priority": self.priority}


@dataclass
class Snapshot:
    rules: list[Rule] = field(default_factory=list)
    units: dict[str, str | None] = field(default_factory=dict)  # active unit code → unit type
    unit_types: set[str] = field(default_factory=set)
    city_units: dict[str, str] = field(default_factory=dict)  # unit type → city dept / enterprise code
    categories: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # code → (name, type)
    category_codes: dict[int, str] = field(default_factory=dict)  # id → code
    level1: dict[str, str] = field(default_factory=dict)  # level-1 name → code
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)  # code → taxonomy keywords
    children: dict[str, list[str]] = field(default_factory=dict)  # code → child codes

    def category_for_label(self, label: str) -> str | None:
        """A classifier label (a level-1 name, or a code) as a category code."""
        if label in self.categories:
            return label
        return self.level1.get(label)

    def default_type(self, category: str | None) -> str | None:
        """The category's default unit type, inherited from the nearest ancestor that has one."""
        code = category or ""
        while code:
            entry = self.categories.get(code)
            if entry and entry[1]:
                return entry[1]
            code = code[:-2]
        return None


def load_snapshot(session: Session) -> Snapshot:
    snap = Snapshot()
    for row in session.execute(
        select(Unit.code, Unit.unit_type, Unit.kind).where(Unit.active.is_(True)).order_by(Unit.code)
    ):
        snap.units[row.code] = row.unit_type
        if row.unit_type:
            snap.unit_types.add(row.unit_type)
            if row.kind in (UnitKind.city_dept, UnitKind.enterprise):
                snap.city_units.setdefault(row.unit_type, row.code)
    for c in session.execute(
        select(
            Category.id,
            Category.code,
            Category.name,
            Category.level,
            Category.default_unit_type,
            Category.keywords,
            Category.parent_id,
        )
        .where(Category.active.is_(True))
        .order_by(Category.code)
    ):
        snap.categories[c.code] = (c.name, c.default_unit_type)
        snap.category_codes[c.id] = c.code
        snap.keywords[c.code] = tuple(k.strip() for k in (c.keywords or "").split(";") if k.strip())
        if c.level == 1:
            snap.level1[c.name] = c.code
        elif c.parent_id in snap.category_codes:  # ordered by code: a parent comes before its children
            snap.children.setdefault(snap.category_codes[c.parent_id], []).append(c.code)
    rules = session.scalars(select(RoutingRule).where(RoutingRule.active.is_(True))).all()
    snap.rules = [
        Rule(
            id=r.id,
            name=r.name,
            category_prefix=r.category_prefix,
            division_prefix=r.division_prefix,
            demand_type=r.demand_type,
            lead_unit_code=r.lead_unit_code,
            lead_unit_type=r.lead_unit_type,
            co_unit_codes=tuple(c for c in r.co_unit_codes.split(",") if c),
            priority=r.priority,
        )
        for r in rules
    ]
    snap.rules.sort(key=Rule.sort_key, reverse=True)
    return snap


@dataclass
class _Slot:
    generation: int = 0
    snapshot: Snapshot | None = None
    built: tuple[int, float] | None = None  # (generation, monotonic time the read began)
    refresh: threading.Thread | None = None  # the background re-read under way, if any


_slots: weakref.WeakKeyDictionary[Any, _Slot] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _store(slot: _Slot, generation: int, snap: Snapshot, began: float) -> None:
    """Keep ``snap`` unless a write invalidated the slot while it was being read."""
    with _lock:
        if slot.generation == generation:
            slot.snapshot, slot.built = snap, (generation, began)


def _refresh(engine: Engine, slot: _Slot, generation: int) -> None:
    began = time.monotonic()
    try:
        with Session(engine) as session:
            _store(slot, generation, load_snapshot(session), began)
    except Exception:  # the previous snapshot stays in use; the next intake tries again
        log.exception("re-reading the routing snapshot failed")
    finally:
        with _lock:
            slot.refresh = None


def snapshot_for(session: Session) -> Snapshot:
    """The cached snapshot of the session's database (keyed like the knowledge index)."""
    now = time.monotonic()
    bind = session.get_bind()
    with _lock:
        slot = _slots.setdefault(bind, _Slot())
        generation, built = slot.generation, slot.built
        current = slot.snapshot if built and built[0] == generation else None
        if current is not None and built is not None:
            if now - built[1] < SNAPSHOT_TTL:
                return current
            if isinstance(bind, Engine):
                if slot.refresh is None:
                    slot.refresh = threading.Thread(
                        target=_refresh, args=(bind, slot, generation), name="routing-snapshot", daemon=True
                    )
                    slot.refresh.start()
                return current
    snap = load_snapshot(session)
    _store(slot, generation, snap, now)
    return snap


def invalidate(session: Session) -> None:
    with _lock:
        _slots.setdefault(session.get_bind(), _Slot()).generation += 1


@dataclass
class Route:
    lead_unit: str | None
    co_units: list[str]
    mode: str  # street / department / city / direct / fallback / none
    matched: list[Rule]
    reason: str
    applied: Rule | None = None


def candidates(
    snap: Snapshot, unit_type: str, district: str | None, street: str | None
) -> list[tuple[str, str]]:
    """The units a unit type may mean at the case's location, best first, as (unit code, mode)."""
    found: list[tuple[str, str]] = []
    if unit_type in STREET_LEVEL_TYPES and street and f"S{street}" in snap.units:
        found.append((f"S{street}", "street"))
    if unit_type == "district_government" and district and f"G{district}" in snap.units:
        found.append((f"G{district}", "fallback"))
    if district and f"D{district}-{unit_type}" in snap.units:
        found.append((f"D{district}-{unit_type}", "department"))
    if unit_type in snap.city_units:
        found.append((snap.city_units[unit_type], "city"))
    if district and f"G{district}" in snap.units:
        found.append((f"G{district}", "fallback"))
    return found


def resolve_type(
    snap: Snapshot, unit_type: str, district: str | None, street: str | None
) -> tuple[str | None, str]:
    """A unit type at the case's location → (unit code, dispatch mode)."""
    found = candidates(snap, unit_type, district, street)
    return found[0] if found else (None, "none")


def route(
    snap: Snapshot,
    *,
    category: str | None,
    division: str | None,
    district: str | None,
    street: str | None,
    demand_type: str | None,
    excluded: frozenset[str] = frozenset(),
) -> Route:
    """The lead and co-units of a case. ``excluded`` units (those whose 退单 of this case was approved)
    are never suggested: a rule that would name one yields to the next, then to the category's default."""
    matched = [r for r in snap.rules if r.matches(category, division, demand_type)]
    lead: str | None
    for rule in matched:  # best first
        if rule.lead_unit_code and rule.lead_unit_code in snap.units:
            lead, mode = rule.lead_unit_code, "direct"
        elif rule.lead_unit_type:
            lead, mode = resolve_type(snap, rule.lead_unit_type, district, street)
        else:
            continue
        if lead is None or lead in excluded:
            continue
        co = [c for c in rule.co_unit_codes if c in snap.units and c != lead and c not in excluded]
        return Route(lead, co, mode, matched, f"规则“{rule.name}”（优先级 {rule.priority}）", rule)
    unit_type = snap.default_type(category)
    fallback = f"G{district}" if district and f"G{district}" in snap.units else None
    if fallback in excluded:
        fallback = None
    if unit_type is None:
        if fallback:
            return Route(fallback, [], "fallback", matched, "分类不明，由区政府兜底")
        return Route(None, [], "none", matched, "分类与位置均不明，需人工派单")
    free = [c for c in candidates(snap, unit_type, district, street) if c[0] not in excluded]
    if not free and excluded:
        return Route(None, [], "none", matched, "可承办的单位均已退单，需人工派单")
    lead, mode = free[0] if free else (None, "none")
    reason = {
        "street": f"分类默认由街乡镇办理（{unit_type_label(unit_type)}），直派属地街道",
        "department": f"分类默认承办部门：{unit_type_label(unit_type)}",
        "city": f"分类默认承办单位：{unit_type_label(unit_type)}（市级）",
        "fallback": "未找到对应部门，由区政府兜底",
        "none": "位置不明，需人工派单",
    }[mode]
    return Route(lead, [], mode, matched, reason)
