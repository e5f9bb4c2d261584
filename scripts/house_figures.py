"""Print figures about the shape of the code: files per domain, file lengths, where roles are named,
filename-prefix groups, and JSON routes whose answer /openapi.json does not describe.

    .venv/bin/python scripts/house_figures.py [--json]

The architecture issue's before/after figures come from this script; the test suite asserts the
rules behind them (tests/test_house_rules.py).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "zhili"
ROLE_MEMBER = re.compile(r"\bRole\.[a-z_]+")
PREFIX_GROUP_MIN = 3


def source_files(*, migrations: bool = False) -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if migrations or "migrations" not in p.parts)


def line_count(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def domain_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0] if len(parts) > 1 else "(top level)"


def files_naming_roles() -> list[str]:
    """Modules outside auth/ and the policy.py files that name a Role member."""
    found = []
    for path in source_files():
        rel = path.relative_to(SRC)
        if rel.parts[0] == "auth" or path.name == "policy.py":
            continue
        if ROLE_MEMBER.search(path.read_text(encoding="utf-8")):
            found.append(str(rel))
    return found


def prefix_groups() -> list[str]:
    """Folders holding ``xxx_*.py`` three or more times (a sub-domain that should be a sub-package)."""
    groups = []
    for folder in sorted({p.parent for p in source_files()}):
        stems = [p.stem for p in folder.glob("*.py") if "_" in p.stem and not p.stem.startswith("_")]
        prefixes = Counter(stem.split("_", 1)[0] for stem in stems)
        for prefix, n in sorted(prefixes.items()):
            if n >= PREFIX_GROUP_MIN:
                groups.append(f"{folder.relative_to(SRC)}/{prefix}_* ×{n}")
    return groups


def routes_without_response_schema() -> tuple[int, list[str]]:
    """(JSON operations, those whose 2xx answer has no schema or a bare object without properties)."""
    sys.path.insert(0, str(ROOT / "src"))
    from zhili.app import create_app
    from zhili.settings import Settings

    app = create_app(Settings(environment="test", secret_key="figures-" + "x" * 32))
    spec = app.openapi()
    total, bare = 0, []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            total += 1
            if not _describes_answer(spec, operation):
                bare.append(f"{method.upper()} {path}")
    return total, bare


def _describes_answer(spec: dict[str, Any], operation: dict[str, Any]) -> bool:
    for status, response in operation.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        if status == "204":
            return True
        content = response.get("content") or {}
        if not content:
            return False
        return all(_has_shape(spec, media.get("schema") or {}) for media in content.values())
    return False


def _has_shape(spec: dict[str, Any], schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
    """Whether ``schema`` describes its data all the way down: no bare object without properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return True
        return _has_shape(spec, spec["components"]["schemas"][name], seen | {name})
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return all(_has_shape(spec, s, seen) for s in schema[key])
    kind = schema.get("type")
    if kind == "array":
        if "prefixItems" in schema:
            return all(_has_shape(spec, s, seen) for s in schema["prefixItems"])
        return _has_shape(spec, schema.get("items") or {}, seen)
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and extra and not _has_shape(spec, extra, seen):
            return False
        if not properties and not (isinstance(extra, dict) and extra):
            return False
        return all(_has_shape(spec, s, seen) for s in properties.values())
    return bool(kind) or "const" in schema or "enum" in schema


def figures() -> dict[str, Any]:
    files = source_files()
    lengths = sorted(line_count(p) for p in files)
    per_domain = Counter(domain_of(p) for p in files)
    total, bare = routes_without_response_schema()
    deciles = statistics.quantiles(lengths, n=10)
    return {
        "python_files": len(files),
        "files_per_domain": dict(sorted(per_domain.items())),
        "median_file_lines": statistics.median(lengths),
        "p90_file_lines": deciles[-1],
        "longest_file_lines": lengths[-1],
        "files_over_500_lines": [
            str(p.relative_to(SRC)) for p in source_files(migrations=True) if line_count(p) > 500
        ],
        "modules_naming_roles_outside_policy": files_naming_roles(),
        "filename_prefix_groups": prefix_groups(),
        "openapi_operations": total,
        "operations_without_response_schema": bare,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    result = figures()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for key, value in result.items():
        if isinstance(value, list):
            print(f"{key}: {len(value)}")
            for item in value:
                print(f"    {item}")
        elif isinstance(value, dict):
            print(f"{key}: " + ", ".join(f"{k} {v}" for k, v in value.items()))
        else:
            print(f"{key}: {value}")


if __name__ == "__main__":
    main()
