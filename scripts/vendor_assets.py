"""Copy the front-end files that npm installed into the package's static/vendor folder.

Run after ``npm ci``; the server then serves them itself, with no CDN (the intranet has no internet).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from zhili.web.assets import VENDOR_DIR, VENDORED  # noqa: E402


def main() -> int:
    node_modules = ROOT / "node_modules"
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    missing = []
    for name, source in VENDORED.items():
        path = node_modules / source
        if not path.exists():
            missing.append(source)
            continue
        shutil.copyfile(path, VENDOR_DIR / name)
    if missing:
        print("缺少前端依赖（请先运行 npm ci）：" + ", ".join(missing), file=sys.stderr)
        return 1
    print(f"前端资源已就绪：{VENDOR_DIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
