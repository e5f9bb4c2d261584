"""Chinese labels for the codes the views group by (divisions, categories, enums)."""

from __future__ import annotations

from functools import cache

from zhili.cases.states import STATE_LABELS
from zhili.demo.profile import leaf_categories
from zhili.divisions.shipped import read_shipped
from zhili.taxonomy.enums import CHANNEL_LABELS, DEMAND_TYPE_LABELS


@cache
def division_names() -> dict[str, str]:
    return {row.code: row.name for row in read_shipped().rows}


@cache
def category_names() -> dict[str, str]:
    import csv
    from importlib import resources

    text = resources.files("zhili.taxonomy").joinpath("data", "categories.csv").read_text(encoding="utf-8")
    return {r["code"]: r["name"] for r in csv.DictReader(text.splitlines())}


def label(dimension: str, key: object) -> str | None:
    if key is None:
        return None
    value = str(key)
    if dimension in {"district", "street", "community"}:
        return division_names().get(value)
    if dimension in {"category", "category_l1"}:
        return category_names().get(value)
    if dimension == "channel":
        return {k.value: v for k, v in CHANNEL_LABELS.items()}.get(value)
    if dimension == "demand_type":
        return {k.value: v for k, v in DEMAND_TYPE_LABELS.items()}.get(value)
    if dimension == "state":
        return {k.value: v for k, v in STATE_LABELS.items()}.get(value)
    return None


__all__ = ["category_names", "division_names", "label", "leaf_categories"]
