"""Write docs/permissions.md: every route of zhili and the permission it requires.

    .venv/bin/python scripts/permission_table.py [--check]

``--check`` exits non-zero when the file is stale instead of writing it (the test suite runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "permissions.md"


def generate() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from zhili.app import create_app
    from zhili.auth.permission_table import markdown
    from zhili.settings import Settings

    return markdown(create_app(Settings(environment="test", secret_key="permission-table-" + "x" * 32)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when docs/permissions.md is stale")
    args = parser.parse_args()
    text = generate()
    if args.check:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run .venv/bin/python scripts/permission_table.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
