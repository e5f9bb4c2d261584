"""The shape of a synthetic year: which categories, when, of what type, through which channel, and
which unit handles them. Every number here is an assumption made to look like Beijing 12345 practice,
kept as data so that it can be read and changed in one place.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

import chinese_calendar
import numpy as np
from numpy.typing import NDArray

from zhili.demo.geography import CORE_DISTRICTS
from zhili.units.directory import CITY_DEPARTMENTS, DISTRICT_DEPARTMENTS, ENTERPRISES

# Relative volume of a leaf category (default 1.0), by code prefix; the longest prefix wins.
BASE_WEIGHT: dict[str, float] = {
    "13": 3.0,
    "130101": 5.0,
    "130102": 3.0,
    "1205": 2.5,
    "0202": 2.0,
    "020201": 4.0,
    "030101": 3.5,
    "0303": 3.0,
    "0204": 2.5,
    "010401": 2.0,
    "0601": 3.0,
    "0501": 2.0,
    "050101": 3.0,
    "1201": 2.0,
    "1203": 1.5,
    "1501": 2.0,
    "010301": 2.5,
    "010302": 1.5,
    "1601": 1.5,
    "1602": 1.5,
    "1401": 2.0,
    "0502": 2.0,
    "0504": 1.5,
    "1701": 0.6,
}
# Month multipliers (Jan..Dec) by code prefix.
MONTHLY: dict[str, tuple[float, ...]] = {
    "1205": (1.6, 1.1, 0.8, 0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 4.0, 2.6),  # 供热: from November
    "0202": (0.7, 0.7, 0.9, 1.0, 1.2, 1.5, 1.7, 1.6, 1.2, 1.0, 0.8, 0.7),  # 噪声: summer nights
    "1203": (0.9, 0.8, 0.8, 0.8, 1.0, 1.6, 2.3, 2.1, 1.2, 0.8, 0.9, 1.0),  # 供电: air conditioning
    "1201": (0.9, 0.9, 0.9, 0.9, 1.0, 1.3, 1.4, 1.4, 1.1, 0.9, 0.9, 1.0),
    "1202": (0.5, 0.5, 0.6, 0.7, 0.9, 1.5, 2.8, 2.4, 1.0, 0.7, 0.5, 0.5),  # 排水: rainy season
    "020101": (0.8, 0.8, 0.9, 1.0, 1.2, 1.4, 1.5, 1.4, 1.1, 1.0, 0.9, 0.8),
    "040101": (0.6, 0.6, 0.9, 1.8, 2.2, 2.0, 1.6, 1.8, 1.0, 0.5, 0.5, 0.5),  # 入学入园
    "050101": (2.6, 1.8, 0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 1.0, 1.8),  # 拖欠工资: before 春节
    "1502": (0.6, 0.6, 1.0, 2.2, 2.0, 1.3, 1.1, 1.0, 1.0, 0.9, 0.8, 0.6),  # 园林: 杨柳絮
    "0402": (0.8, 0.8, 1.0, 1.0, 1.0, 1.2, 1.6, 1.6, 1.2, 0.9, 0.8, 0.8),
}
CORE_MULTIPLIER = {"13": 1.4, "0202": 1.2, "0303": 1.3, "11": 0.1, "1101": 0.1}
OUTER_MULTIPLIER = {"11": 2.5, "1205": 1.3, "13": 0.6, "0303": 0.7, "0103": 1.3}
WEEKDAY = np.array([1.12, 1.06, 1.02, 1.0, 0.96, 0.82, 0.8])  # Monday first
HOLIDAY = 0.62
SPRING_FESTIVAL = 0.45
HOUR_WEIGHT = np.array(
    [
        0.4,
        0.2,
        0.1,
        0.1,
        0.1,
        0.3,
        0.8,
        2.0,
        4.5,
        6.5,
        6.8,
        5.5,
        3.8,
        4.0,
        5.8,
        6.0,
        5.5,
        4.8,
        3.8,
        3.6,
        3.4,
        2.8,
        1.9,
        1.0,
    ]
)
CHANNELS = ("phone", "app", "web", "grid", "leader_board", "media", "open311", "other")
CHANNEL_SHARE = np.array([0.74, 0.1, 0.06, 0.04, 0.025, 0.01, 0.015, 0.01])
DEMAND_TYPES = ("consultation", "help", "complaint", "report", "suggestion", "praise")
DEFAULT_TYPES = (0.15, 0.25, 0.45, 0.06, 0.07, 0.02)
TYPES_BY_PREFIX: dict[str, tuple[float, ...]] = {
    "14": (0.55, 0.2, 0.15, 0.02, 0.06, 0.02),
    "0502": (0.6, 0.2, 0.12, 0.02, 0.05, 0.01),
    "0503": (0.6, 0.25, 0.08, 0.01, 0.05, 0.01),
    "0504": (0.6, 0.2, 0.12, 0.02, 0.05, 0.01),
    "040101": (0.6, 0.2, 0.12, 0.01, 0.06, 0.01),
    "1701": (0.02, 0.0, 0.0, 0.0, 0.03, 0.95),
    "1702": (0.1, 0.0, 0.05, 0.0, 0.85, 0.0),
    "0802": (0.05, 0.15, 0.3, 0.45, 0.05, 0.0),
}
# Unit types a street office handles first (属地); the others go to the competent department.
STREET_FIRST = frozenset(
    {
        "housing_admin",
        "urban_management",
        "civil_affairs",
        "law_enforcement",
        "greening",
        "agriculture",
        "district_government",
        "housing",
    }
)


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    unit_type: str
    keywords: tuple[str, ...]


def _prefixed(table: Mapping[str, object], code: str) -> object | None:
    for length in (6, 4, 2):
        if code[:length] in table and len(code) >= length:
            return table[code[:length]]
    return None


@cache
def leaf_categories() -> tuple[Category, ...]:
    text = resources.files("zhili.taxonomy").joinpath("data", "categories.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    codes = {r["code"] for r in rows}
    by_code = {r["code"]: r for r in rows}
    leaves = []
    for r in rows:
        code = r["code"]
        if len(code) == 2 or any(other != code and other.startswith(code) for other in codes):
            continue
        words: list[str] = []
        for length in (len(code), 4, 2):
            parent = by_code.get(code[:length])
            if parent and parent["keywords"]:
                words += [w for w in parent["keywords"].split(";") if w and w not in words]
        leaves.append(Category(code, r["name"], r["default_unit_type"], tuple(words) or (r["name"],)))
    return tuple(leaves)


def category_mix(district_codes: list[str]) -> NDArray[np.float64]:
    """[district, category] base weights (rows sum to 1)."""
    cats = leaf_categories()
    base = np.array([float(_prefixed(BASE_WEIGHT, c.code) or 1.0) for c in cats])  # type: ignore[arg-type]
    mix = np.tile(base, (len(district_codes), 1))
    for d, code in enumerate(district_codes):
        table = CORE_MULTIPLIER if code in CORE_DISTRICTS else OUTER_MULTIPLIER
        mix[d] *= [float(_prefixed(table, c.code) or 1.0) for c in cats]  # type: ignore[arg-type]
    return mix / mix.sum(axis=1, keepdims=True)


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


def seasonal(days: list[date]) -> NDArray[np.float64]:
    """[day, category] multipliers, interpolated between mid-month values."""
    cats = leaf_categories()
    result = np.ones((len(days), len(cats)))
    position = np.array([d.month - 1 + (d.day - 15) / 30.0 for d in days])
    for j, cat in enumerate(cats):
        months = _prefixed(MONTHLY, cat.code)
        if months is not None:
            values = np.asarray(months, dtype=float)
            result[:, j] = np.interp(position, np.arange(-1, 13), np.r_[values[-1], values, values[0]])
    return result


def day_factor(days: list[date]) -> NDArray[np.float64]:
    """Weekly cycle, with public holidays (and 春节 most of all) lower and 调休 workdays normal."""
    factors = np.empty(len(days))
    for i, day in enumerate(days):
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name is not None:
            factors[i] = SPRING_FESTIVAL if "Spring" in str(name) else HOLIDAY
        elif chinese_calendar.is_workday(day) and day.weekday() >= 5:
            factors[i] = 1.0  # 调休: a weekend day worked
        else:
            factors[i] = WEEKDAY[day.weekday()]
    return factors


def type_shares() -> NDArray[np.float64]:
    """[category, demand type] probabilities."""
    rows = [_prefixed(TYPES_BY_PREFIX, c.code) or DEFAULT_TYPES for c in leaf_categories()]
    table = np.array(rows, dtype=float)
    return table / table.sum(axis=1, keepdims=True)


def lead_unit_codes(district_code: str, street_code: str, unit_type: str, to_street: bool) -> str:
    """The unit a synthetic case is dispatched to (codes of the default directory)."""
    if to_street and unit_type in STREET_FIRST:
        return f"S{street_code}"
    if unit_type in _DISTRICT_TYPES:
        return f"D{district_code}-{unit_type}"
    if unit_type in _ENTERPRISE_BY_TYPE:
        return f"E11-{_ENTERPRISE_BY_TYPE[unit_type]}"
    if unit_type in _CITY_BY_TYPE:
        return f"M11-{_CITY_BY_TYPE[unit_type]}"
    return f"G{district_code}"


_DISTRICT_TYPES = frozenset(t for t, _ in DISTRICT_DEPARTMENTS)
_ENTERPRISE_BY_TYPE = {t: s for s, t, _ in reversed(ENTERPRISES)}
_CITY_BY_TYPE = {t: s for s, t, _ in reversed(CITY_DEPARTMENTS)}
